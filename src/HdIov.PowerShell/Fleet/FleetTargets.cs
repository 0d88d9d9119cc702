using System.Collections.Frozen;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Session;

namespace HdIov.PowerShell.Fleet;

/// <summary>
/// How the fleet cmdlets reach a host, by its transport's kind: the one place a transport is registered. A fleet whose
/// hosts use a transport without a target here is refused before any host is contacted (HDIOV5015).
/// </summary>
internal static class FleetTargets
{
    private static readonly FrozenDictionary<string, Func<FleetHost, RolloutStrategy, IFleetTarget>> ByKind =
        new Dictionary<string, Func<FleetHost, RolloutStrategy, IFleetTarget>>(StringComparer.Ordinal)
        {
            ["local"] = Local,
            ["ssh"] = Ssh,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The factory of a fleet's targets: each reaches its host within the strategy's connect timeout.</summary>
    public static Func<FleetHost, IFleetTarget> For(RolloutStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return host => Create(host, strategy);
    }

    /// <summary>The target of <paramref name="host"/>; its transport must be available (<see cref="Unavailable"/>).</summary>
    public static IFleetTarget Create(FleetHost host, RolloutStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(strategy);
        return ByKind.TryGetValue(host.Transport.Kind, out var factory)
            ? factory(host, strategy)
            : throw new HdIovException(Unavailable(host)!);
    }

    /// <summary>Why <paramref name="host"/> cannot be reached by this module, or null when it can.</summary>
    public static Diagnostic? Unavailable(FleetHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return ByKind.ContainsKey(host.Transport.Kind)
            ? null
            : new Diagnostic(
                FleetDiagnosticCodes.TransportUnavailable,
                DiagnosticSeverity.Error,
                $"host '{host.Name}': the {host.Transport.Kind} transport is not available in this module; it reaches hosts over {string.Join(", ", ByKind.Keys.Order(StringComparer.Ordinal))}",
                "roll the host out from a machine where it is local (transport: { local: { root: / } }), or remove it from the fleet",
                host.Location,
                $"host '{host.Name}'");
    }

    private static LocalFleetTarget Local(FleetHost host, RolloutStrategy strategy) =>
        new(host.Name, ((LocalTransport)host.Transport).Root, new SessionOptions { Libvirt = true });

    private static SshFleetTarget Ssh(FleetHost host, RolloutStrategy strategy) =>
        SshFleetTarget.Open(host, (SshTransport)host.Transport, strategy.ConnectTimeout);
}
