using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution;

/// <summary>What an apply did: the steps that ran, whether it stopped at a reboot barrier, and the host afterwards.</summary>
public sealed record ApplyResult(
    Plan Plan,
    ImmutableArray<PlanStep> Completed,
    ImmutableArray<PlanStep> Deferred,
    bool StoppedAtRebootBarrier,
    HostState FinalState)
{
    public bool Converged => Deferred.IsEmpty && Completed.Length == Plan.Steps.Length;
}
