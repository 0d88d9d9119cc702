using System.Collections.Immutable;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Session;

/// <summary>What a <see cref="SessionRequest"/> asks the host's engine to do.</summary>
public enum SessionOperation
{
    /// <summary>The whole host as it is (<see cref="HostSession.Observe()"/>).</summary>
    Observe,

    /// <summary>The host as <see cref="SessionRequest.Spec"/> is planned against (<see cref="HostSession.Observe(HostSpec, PlanScope?, IEnumerable{ValueTuple{string, string}}?)"/>).</summary>
    ObserveForSpec,

    /// <summary>Observe, plan and, with <see cref="SessionRequest.Apply"/>, apply (<see cref="HostSession.Converge"/>).</summary>
    Converge,
}

/// <summary>
/// One engine call that a front makes on a host it reaches through a transport (the Pulumi provider's SSH connection):
/// the call and the session options it needs, as data. <see cref="SessionWire"/> writes it as JSON, and
/// <see cref="SessionWire.Handle"/> runs it on the host, where the observation, the plan, the host lock and the apply
/// happen. The BMC account travels in it (over the transport's encrypted channel) and is never written anywhere else.
/// </summary>
public sealed record SessionRequest(SessionOperation Operation)
{
    /// <summary>The host's identity (<see cref="SessionOptions.HostName"/>); null for the host's own default.</summary>
    public string? HostName { get; init; }

    /// <summary>The spec (or the piece of one) for <see cref="SessionOperation.ObserveForSpec"/> and <see cref="SessionOperation.Converge"/>.</summary>
    public HostSpec? Spec { get; init; }

    /// <summary>The piece of the host the spec covers; null for the whole host.</summary>
    public PlanScope? Scope { get; init; }

    public bool Apply { get; init; }

    /// <summary>Whether the host's libvirt domains are observed and may be changed (<see cref="SessionOptions.Libvirt"/>).</summary>
    public bool Libvirt { get; init; }

    public RedfishCredential? BmcAccount { get; init; }

    public RedfishSpec? BmcEndpoint { get; init; }

    /// <summary>How many times a converge plans again after another process made its plan stale.</summary>
    public int StalePlanAttempts { get; init; } = 1;

    /// <summary>The scope's device entries and attached VDEVs, as the wire carries them.</summary>
    internal static (bool WholeHost, ImmutableArray<string> Devices, ImmutableArray<string> Vdevs) Parts(PlanScope? scope) =>
        scope is null || scope.IsWholeHost
            ? (true, [], [])
            : (false, [.. scope.Devices.Order(StringComparer.Ordinal)], [.. scope.AttachedVdevs.Order(StringComparer.Ordinal)]);
}
