using HdIov.Engine.Fleet;

namespace HdIov.Engine.Tests.Fleet;

public sealed class FleetAssignmentTests : IDisposable
{
    private readonly FleetText _files = new();

    public FleetAssignmentTests() => _files.Write("mtty.yaml", FleetText.MttySpec);

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_host_in_no_group_or_in_two_is_an_error_at_the_host()
    {
        var fleet = _files.Valid("""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: f }
            spec:
              hosts:
                - { name: a, transport: { local: { root: ./a } }, labels: { role: lab } }
                - { name: b, transport: { local: { root: ./b } }, labels: { role: lab, big: "yes" } }
                - { name: c, transport: { local: { root: ./c } } }
              groups:
                - { name: lab, selector: { matchLabels: { role: lab } }, spec: { path: ./mtty.yaml }, values: { ports: 1 } }
                - { name: big, selector: { matchLabels: { big: "yes" } }, spec: { path: ./mtty.yaml }, values: { ports: 4 } }
            """);

        var (hosts, diagnostics) = FleetAssignment.Assign(fleet);

        Assert.Equal(["a"], hosts.Select(h => h.Host.Name));
        Assert.Equal("lab", hosts[0].Group.Name);
        var two = Assert.Single(diagnostics, d => d.Code == FleetDiagnosticCodes.HostInTwoGroups);
        Assert.Equal(7, two.Location!.Line);
        Assert.Contains("'lab', 'big'", two.Message, StringComparison.Ordinal);
        var none = Assert.Single(diagnostics, d => d.Code == FleetDiagnosticCodes.HostInNoGroup);
        Assert.Equal(8, none.Location!.Line);
    }
}
