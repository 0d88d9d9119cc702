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
    private static readonly FrozenDictionary<string, Func<FleetHost, IFleetTarget>> ByKind = new Dictionary<string, Func<FleetHost, IFleetTarget>>(StringComparer.Ordinal)
    {
        ["local"] = Local,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The target of <paramref name="host"/>; its transport must be available (<see cref="Unavailable"/>).</summary>
    public static IFleetTarget Create(FleetHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return ByKind.TryGetValue(host.Transport.Kind, out var factory)
            ? factory(host)
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

    private static LocalFleetTarget Local(FleetHost host) =>
        new(host.Name, ((LocalTransport)host.Transport).Root, new SessionOptions { Libvirt = true });
}
