using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Fleet;

/// <summary>A host with the one group that gives it its spec.</summary>
public sealed record AssignedHost(FleetHost Host, FleetGroup Group);

/// <summary>
/// Gives every host of a fleet its group. A host no group selects, or one two groups select, is an error located at
/// the host, naming the groups: its spec would be a guess.
/// </summary>
public static class FleetAssignment
{
    public static (ImmutableArray<AssignedHost> Hosts, ImmutableArray<Diagnostic> Diagnostics) Assign(FleetSpec fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var hosts = ImmutableArray.CreateBuilder<AssignedHost>(fleet.Hosts.Length);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var host in fleet.Hosts)
        {
            var groups = fleet.Groups.Where(g => g.Selector.Matches(host)).ToList();
            switch (groups.Count)
            {
                case 1:
                    hosts.Add(new AssignedHost(host, groups[0]));
                    break;
                case 0:
                    diagnostics.Add(new Diagnostic(
                        FleetDiagnosticCodes.HostInNoGroup,
                        DiagnosticSeverity.Error,
                        $"host '{host.Name}' is in no group (labels: {Describe(host)}); groups select {string.Join("; ", fleet.Groups.Select(g => $"'{g.Name}': {g.Selector}"))}",
                        "give the host labels a group selects, add a group for it, or remove it from the fleet",
                        host.Location,
                        $"host '{host.Name}'"));
                    break;
                default:
                    diagnostics.Add(new Diagnostic(
                        FleetDiagnosticCodes.HostInTwoGroups,
                        DiagnosticSeverity.Error,
                        $"host '{host.Name}' is selected by {groups.Count} groups ({string.Join(", ", groups.Select(g => $"'{g.Name}'"))}); a host converges to one spec",
                        "narrow the groups' selectors (add a label) so that exactly one selects the host",
                        host.Location,
                        $"host '{host.Name}'"));
                    break;
            }
        }

        return (hosts.ToImmutable(), diagnostics.ToImmutable());
    }

    private static string Describe(FleetHost host) =>
        host.Labels.IsEmpty && host.InventoryGroups.IsEmpty
            ? "none"
            : string.Join(", ", host.Labels.Select(l => $"{l.Key}={l.Value}").Concat(host.InventoryGroups.Select(g => $"inventory group {g}")));
}
