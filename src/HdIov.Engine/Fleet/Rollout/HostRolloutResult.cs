namespace HdIov.Engine.Fleet.Rollout;

/// <summary>Where a host ended in a rollout.</summary>
public enum HostRolloutStatus
{
    /// <summary>Changed, and its health check passed (or it waits for a reboot the policy does not allow: <see cref="HostRolloutResult.PendingReboot"/>).</summary>
    Converged,

    /// <summary>Already matched its spec (or converged by the rollout resumed, under the same spec) and is healthy.</summary>
    Unchanged,

    /// <summary>Its plan was refused, its apply failed, it is not healthy after it, or it timed out.</summary>
    Failed,

    /// <summary>It could not be reached, or did not come back from a reboot within the connect timeout.</summary>
    Unreachable,

    /// <summary>The rollout was stopped while the host was converging; the journal lets a resume retry it.</summary>
    Halted,

    /// <summary>Not attempted (a budget halted the rollout, a manual gate, a declined wave) or left alone by the held-device policy.</summary>
    Skipped,
}

/// <summary>
/// One host's outcome, written as the host finishes: where it is (group, wave), how it ended, what was done (steps,
/// reboots), whether a reboot is still pending, how long it took, and the error when it did not converge.
/// </summary>
public sealed record HostRolloutResult(
    string HostName,
    string Group,
    int Wave,
    HostRolloutStatus Status,
    int StepsDone,
    int Reboots,
    bool PendingReboot,
    TimeSpan Duration,
    string? ErrorCode,
    string? Message,
    FailureCause? Cause,
    string SpecHash,
    DateTimeOffset Finished)
{
    /// <summary>Converged or unchanged with nothing waiting for a reboot: a resume under the same spec leaves it alone.</summary>
    public bool IsDone => Status is HostRolloutStatus.Converged or HostRolloutStatus.Unchanged && !PendingReboot;
}
