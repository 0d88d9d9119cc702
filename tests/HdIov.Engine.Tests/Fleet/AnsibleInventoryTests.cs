using HdIov.Engine.Fleet;

namespace HdIov.Engine.Tests.Fleet;

public sealed class AnsibleInventoryTests : IDisposable
{
    private readonly FleetText _files = new();

    public AnsibleInventoryTests() => _files.Write("mtty.yaml", FleetText.MttySpec);

    public void Dispose() => _files.Dispose();

    private const string Fleet = """
        apiVersion: hdiov.dev/v1alpha1
        kind: Fleet
        metadata: { name: f }
        spec:
          inventory: { path: ./inventory.yaml, knownHostsFile: ./known_hosts }
          groups:
            - { name: lab, selector: { inventoryGroup: lab }, spec: { path: ./mtty.yaml }, values: { ports: 1 } }
            - { name: big, selector: { matchLabels: { size: big } }, spec: { path: ./mtty.yaml } }
        """;

    [Fact]
    public void An_ansible_inventory_gives_hosts_transports_groups_labels_and_values()
    {
        _files.Write("inventory.yaml", """
            all:
              vars:
                ansible_user: admin
                ports: 2
              hosts:
                solo:
                  ansible_connection: local
                  hdiov_host_root: ./roots/solo
                  hdiov_labels: { size: big }
              children:
                lab:
                  vars: { ports: 3 }
                  hosts:
                    lab-01:
                    lab-02: { ansible_host: 127.0.0.3, ansible_port: 2201, ansible_ssh_private_key_file: keys/id, ports: 5 }
            """);

        var fleet = _files.Valid(Fleet);

        Assert.Equal(["solo", "lab-01", "lab-02"], fleet.Hosts.Select(h => h.Name));
        var solo = fleet.Hosts[0];
        Assert.Equal(Path.Combine(_files.Directory, "roots", "solo"), Assert.IsType<LocalTransport>(solo.Transport).Root);
        Assert.Equal("big", solo.Labels["size"]);
        Assert.Equal("2", solo.Values["ports"]);
        var lab01 = Assert.IsType<SshTransport>(fleet.Hosts[1].Transport);
        Assert.Equal(("lab-01", 22, "admin", Path.Combine(_files.Directory, "known_hosts")), (lab01.Host, lab01.Port, lab01.User, lab01.KnownHostsFile));
        Assert.Equal("3", fleet.Hosts[1].Values["ports"]);
        Assert.Contains("lab", fleet.Hosts[1].InventoryGroups);
        var lab02 = Assert.IsType<SshTransport>(fleet.Hosts[2].Transport);
        Assert.Equal(("127.0.0.3", 2201, Path.Combine(_files.Directory, "keys", "id")), (lab02.Host, lab02.Port, lab02.KeyFile));
        Assert.Equal("5", fleet.Hosts[2].Values["ports"]);
        Assert.False(fleet.Hosts[2].Values.ContainsKey("ansible_port"));
    }

    [Fact]
    public void Inventory_problems_are_located_in_the_inventory()
    {
        var inventory = _files.Write("inventory.yaml", """
            all:
              hosts:
                node[01:04]:
                ok-01: { ansible_port: seventy }
              childs: {}
            """);

        var result = _files.Load(Fleet);

        Assert.Null(result.Fleet);
        Assert.All(result.Diagnostics, d => Assert.Equal(inventory, d.Location!.File));
        Assert.Contains(result.Diagnostics, d => d.Code == FleetDiagnosticCodes.InventoryInvalid && d.Location!.Line == 3 && d.Message.Contains("range", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Code == HdIov.Engine.Diagnostics.DiagnosticCodes.UnknownKey && d.Location!.Line == 5);
    }

    [Fact]
    public void The_example_inventory_and_fleet_load()
    {
        var result = FleetLoader.LoadFile(Path.Combine(Spec.RepositoryFiles.Root, "examples", "fleet", "fleet.yaml"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(6, result.Fleet!.Hosts.Length);
        var group = result.Fleet.Groups.Single(g => g.Name == "accel");
        var node3 = result.Fleet.Hosts.Single(h => h.Name == "spr-node-03");
        var node1 = result.Fleet.Hosts.Single(h => h.Name == "spr-node-01");
        Assert.Equal(8, group.Spec.Render(node3, group.Values).Spec!.Devices.Single(d => d.Name == "qat-vf").Vfs!.Count);
        Assert.Equal(16, group.Spec.Render(node1, group.Values).Spec!.Devices.Single(d => d.Name == "qat-vf").Vfs!.Count);
    }
}
