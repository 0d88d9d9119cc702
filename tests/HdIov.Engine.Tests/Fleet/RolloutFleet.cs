using System.Collections.Immutable;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Simulation;

namespace HdIov.Engine.Tests.Fleet;

/// <summary>
/// A fleet of simulated hosts in a temporary folder: mtty lab hosts (group lab), a Sapphire Rapids host (group accel), a
/// lab host whose spec asks for more ports than mtty has (bad), a lab host whose spec adds a kernel argument, so its
/// plan stops at the reboot barrier (group boot), and a host whose root does not exist (gone).
/// </summary>
internal sealed class RolloutFleet : IDisposable
{
    public const string AccelSpec = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata: { name: template }
        spec:
          devices:
            - name: qat-vf
              select: { pciAddress: "0000:f7:00.0" }
              mode: sriov
              vfs: { count: 2 }
        """;

    public const string BootSpec = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata: { name: template }
        spec:
          platform:
            kernelArgs: [ "hugepagesz=2M" ]
          devices:
            - name: tty
              select: { parent: mtty }
              mode: siov
              vdevs: { mtty-1: 1 }
        """;

    private readonly FleetText _files = new();

    public RolloutFleet(IEnumerable<(string Name, string Profile, string Role, int Ports)> hosts, string strategy)
    {
        _files.Write("mtty.yaml", FleetText.MttySpec);
        _files.Write("accel.yaml", AccelSpec);
        _files.Write("boot.yaml", BootSpec);
        var list = hosts.ToList();
        foreach (var (name, profile, _, _) in list.Where(h => h.Profile.Length > 0))
        {
            Simulated[name] = SimulatedHost.Create(Path.Combine(Directory, name), profile);
        }

        Text = $$"""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: lab-fleet }
            spec:
              hosts:
            {{string.Concat(list.Select(h => $"    - {{ name: {h.Name}, transport: {{ local: {{ root: ./{h.Name} }} }}, labels: {{ role: {h.Role} }}, values: {{ ports: {h.Ports} }} }}\n"))}}
              groups:
                - name: lab
                  selector: { matchLabels: { role: lab } }
                  spec: { path: ./mtty.yaml }
                - name: accel
                  selector: { matchLabels: { role: accel } }
                  spec: { path: ./accel.yaml }
                - name: boot
                  selector: { matchLabels: { role: boot } }
                  spec: { path: ./boot.yaml }
            {{strategy}}
            """;
        Fleet = _files.Valid(Text);
        var (assigned, diagnostics) = FleetAssignment.Assign(Fleet);
        Assert.Empty(diagnostics);
        Hosts = assigned;
    }

    /// <summary>The usual six: three lab hosts, one accelerator host, one bad and one that needs a reboot.</summary>
    public static IEnumerable<(string, string, string, int)> Six(bool badSpec = true) =>
    [
        ("lab-1", "mtty-lab", "lab", 2),
        ("accel-1", "spr-qat-e810", "accel", 1),
        ("lab-2", "mtty-lab", "lab", 3),
        ("bad-1", "mtty-lab", "lab", badSpec ? 999 : 1),
        ("boot-1", "mtty-lab", "boot", 1),
        ("lab-3", "mtty-lab", "lab", 4),
    ];

    public string Directory => _files.Directory;

    public string Text { get; private set; }

    public FleetSpec Fleet { get; private set; }

    public ImmutableArray<AssignedHost> Hosts { get; private set; }

    public Dictionary<string, SimulatedHost> Simulated { get; } = new(StringComparer.Ordinal);

    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Rewrites the fleet document (a fixed spec value) and loads it again.</summary>
    public void Rewrite(string from, string to)
    {
        Text = Text.Replace(from, to, StringComparison.Ordinal);
        Fleet = _files.Valid(Text);
        Hosts = FleetAssignment.Assign(Fleet).Hosts;
    }

    /// <summary>The local target of every host, as the module's factory makes it.</summary>
    public static IFleetTarget Local(FleetHost host) =>
        host.Transport is LocalTransport local ? new LocalFleetTarget(host.Name, local.Root) : throw new InvalidOperationException("local hosts only");

    public FleetRollout Rollout(FleetRolloutOptions? options = null, Func<FleetHost, IFleetTarget>? targets = null) =>
        new(Fleet, Hosts, targets ?? Local, options ?? Reports());

    public FleetRolloutOptions Reports() => new()
    {
        JournalPath = PathOf("journal.json"),
        JUnitPath = PathOf("junit.xml"),
        MarkdownPath = PathOf("summary.md"),
        BootPollInterval = TimeSpan.FromMilliseconds(20),
    };

    public int Writes(string host) => Simulated[host].WriteCount;

    public void Dispose() => _files.Dispose();
}
