using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Session;

/// <summary>What a <see cref="SessionRequest"/> gave on the host: the observed state, or the converge's result, or why it failed.</summary>
public sealed record SessionReply
{
    public HostState? State { get; init; }

    public ConvergeResult? Converged { get; init; }

    public SessionFailure? Failure { get; init; }
}

/// <summary>The kinds of failure a front maps to its own errors; each rebuilds the engine's exception (<see cref="SessionFailure.ToException"/>).</summary>
public enum SessionFailureKind
{
    /// <summary>The spec or request was refused (bad input, or a host that cannot reach it): <see cref="Diagnostics.HdIovException"/>.</summary>
    Refused,

    /// <summary>The state cannot be reached: <see cref="PlanRejectedException"/>.</summary>
    PlanRejected,

    /// <summary>A step failed; the steps before it are done: <see cref="ApplyFailedException"/>.</summary>
    ApplyFailed,

    /// <summary>The host kept changing between plan and apply: <see cref="StalePlanException"/>.</summary>
    StalePlan,

    /// <summary>Another apply held the host lock too long: <see cref="HostLockTimeoutException"/>.</summary>
    HostLocked,

    /// <summary>A host file could not be read or written: <see cref="HostIoException"/>.</summary>
    HostIo,

    /// <summary>The host is not a host (bad root) or another argument was refused.</summary>
    BadArgument,

    /// <summary>Cancelled on the host.</summary>
    Cancelled,
}

/// <summary>A failure on the host, as data: its kind, message and diagnostics, and for an apply what was done.</summary>
public sealed record SessionFailure(SessionFailureKind Kind, string Message)
{
    public ImmutableArray<Diagnostic> Diagnostics { get; init; } = [];

    public PlanStep? FailedStep { get; init; }

    public ImmutableArray<PlanStep> Completed { get; init; } = [];

    /// <summary>For <see cref="SessionFailureKind.ApplyFailed"/>: whether the apply stopped because it was cancelled.</summary>
    public bool CausedByCancellation { get; init; }

    /// <summary>The failure of <paramref name="error"/>, or null for an error no front foresees (it stays an error of the host's process).</summary>
    public static SessionFailure? Of(Exception error) => error switch
    {
        ApplyFailedException failed => new SessionFailure(SessionFailureKind.ApplyFailed, failed.Message)
        {
            Diagnostics = [.. failed.Diagnostics],
            FailedStep = failed.FailedStep,
            Completed = failed.Completed,
            CausedByCancellation = failed.Cause is OperationCanceledException,
        },
        PlanRejectedException rejected => new SessionFailure(SessionFailureKind.PlanRejected, rejected.Message) { Diagnostics = [.. rejected.Diagnostics] },
        StalePlanException stale => new SessionFailure(SessionFailureKind.StalePlan, stale.Message),
        HdIovException refused => new SessionFailure(SessionFailureKind.Refused, refused.Message) { Diagnostics = [.. refused.Diagnostics] },
        HostLockTimeoutException locked => new SessionFailure(SessionFailureKind.HostLocked, locked.Message),
        HostIoException io => new SessionFailure(SessionFailureKind.HostIo, io.Message),
        OperationCanceledException => new SessionFailure(SessionFailureKind.Cancelled, "the operation was cancelled on the host"),
        ArgumentException argument => new SessionFailure(SessionFailureKind.BadArgument, argument.Message),
        _ => null,
    };

    /// <summary>The engine's exception for this failure, as the front would have caught it from a local session.</summary>
    public Exception ToException() => Kind switch
    {
        SessionFailureKind.ApplyFailed when Diagnostics.Length > 0 =>
            new ApplyFailedException(Diagnostics[0], FailedStep, Completed, CausedByCancellation ? new OperationCanceledException(Message) : null),
        SessionFailureKind.ApplyFailed => new ApplyFailedException(Message),
        SessionFailureKind.PlanRejected when Diagnostics.Length > 0 => new PlanRejectedException(Diagnostics),
        SessionFailureKind.PlanRejected => new PlanRejectedException(Message),
        SessionFailureKind.StalePlan => new StalePlanException(Message),
        SessionFailureKind.Refused when Diagnostics.Length > 0 => new HdIovException(Diagnostics),
        SessionFailureKind.Refused => new HdIovException(Message),
        SessionFailureKind.HostLocked => new HostLockTimeoutException(Message),
        SessionFailureKind.HostIo => new HostIoException(Message),
        SessionFailureKind.Cancelled => new OperationCanceledException(Message),
        _ => new ArgumentException(Message),
    };
}
