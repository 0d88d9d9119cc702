using System.Collections.Immutable;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>How a rollout ended.</summary>
public enum RolloutOutcome
{
    /// <summary>Every wave ran; hosts may still have failed within the budgets.</summary>
    Completed,

    /// <summary>A failure budget was exceeded; the hosts not attempted are skipped.</summary>
    Halted,

    /// <summary>A manual pause between waves: the rollout stops until it is resumed from its journal.</summary>
    HaltedAtGate,

    /// <summary>A wave was declined (-Confirm).</summary>
    Declined,

    /// <summary>The rollout was stopped (Ctrl+C); resume it from its journal.</summary>
    Cancelled,
}

/// <summary>
/// A rollout's end: its id, outcome, every host's result in rollout order, failures per cause over the fleet, and when
/// a budget halted it, which budget at which wave and why.
/// </summary>
public sealed record RolloutSummary(
    string RolloutId,
    string FleetName,
    RolloutOutcome Outcome,
    ImmutableArray<HostRolloutResult> Hosts,
    FailureCounts Failures,
    int? HaltedAtWave,
    string? HaltReason,
    DateTimeOffset Started,
    TimeSpan Duration)
{
    public int Count(HostRolloutStatus status) => Hosts.Count(h => h.Status == status);
}
