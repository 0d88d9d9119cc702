using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Fleet;

/// <summary>
/// A declared fleet (<c>kind: Fleet</c>): its hosts, the groups that give each host its HostState spec, and the
/// strategy a rollout follows. Built only by <see cref="FleetLoader"/>; host-to-group assignment is checked when the
/// fleet is planned (<see cref="FleetAssignment"/>), because an inventory can change between load and plan.
/// </summary>
public sealed record FleetSpec(
    string Name,
    ImmutableArray<FleetHost> Hosts,
    ImmutableArray<FleetGroup> Groups,
    RolloutStrategy Strategy,
    string? SourceFile = null)
{
    public const string Kind = "Fleet";
}

/// <summary>
/// One host of a fleet. <see cref="Values"/> are the per-host values its group's spec may use
/// (<c>${values.name}</c>); <see cref="InventoryGroups"/> are the Ansible groups it belongs to when it came from an
/// inventory.
/// </summary>
public sealed record FleetHost(
    string Name,
    HostTransport Transport,
    ImmutableSortedDictionary<string, string> Labels,
    ImmutableSortedDictionary<string, string> Values,
    ImmutableSortedSet<string> InventoryGroups,
    SourceLocation? Location);

/// <summary>How the rollout reaches a host.</summary>
public abstract record HostTransport
{
    /// <summary>The transport's name as the fleet document writes it.</summary>
    public abstract string Kind { get; }
}

/// <summary>A host root on this machine: <c>/</c> for this machine itself, a folder for a simulated host.</summary>
public sealed record LocalTransport(string Root) : HostTransport
{
    public override string Kind => "local";
}

/// <summary>
/// PowerShell remoting over SSH. Keys only (no passwords), strict host-key checking against
/// <see cref="KnownHostsFile"/> when given, else the user's known hosts.
/// </summary>
public sealed record SshTransport(string Host, int Port, string? User, string? KeyFile, string? KnownHostsFile) : HostTransport
{
    public const int DefaultPort = 22;

    public override string Kind => "ssh";
}

/// <summary>
/// A group of hosts chosen by a selector, and the HostState spec each of them converges to. The spec is a template:
/// <c>metadata.name</c> becomes the host's name and <c>${host.name}</c>, <c>${values.KEY}</c> are replaced per host
/// (<see cref="HostSpecTemplate"/>).
/// </summary>
public sealed record FleetGroup(
    string Name,
    HostSelector Selector,
    HostSpecTemplate Spec,
    ImmutableSortedDictionary<string, string> Values,
    HealthCheck? Health,
    SourceLocation Location);

/// <summary>
/// Which hosts a group takes: every label in <see cref="MatchLabels"/> equal, and (when given) membership of the
/// inventory group <see cref="InventoryGroup"/>. An empty selector takes every host.
/// </summary>
public sealed record HostSelector(ImmutableSortedDictionary<string, string> MatchLabels, string? InventoryGroup)
{
    public bool Matches(FleetHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (InventoryGroup is not null && !host.InventoryGroups.Contains(InventoryGroup))
        {
            return false;
        }

        foreach (var (key, value) in MatchLabels)
        {
            if (!host.Labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
    {
        var parts = MatchLabels.Select(pair => $"{pair.Key}={pair.Value}").ToList();
        if (InventoryGroup is not null)
        {
            parts.Add($"inventoryGroup={InventoryGroup}");
        }

        return parts.Count == 0 ? "every host" : string.Join(", ", parts);
    }
}

/// <summary>A group's own health check, run on the target after the built-in one: a command whose exit code 0 is healthy.</summary>
public sealed record HealthCheck(string Command, TimeSpan Timeout);
