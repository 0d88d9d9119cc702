using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution;

/// <summary>What an apply reports while it runs; adapters turn it into progress bars, verbose lines or logs.</summary>
public interface IApplyObserver
{
    void StepStarting(PlanStep step, int index, int count);

    void StepCompleted(PlanStep step, int index, int count);

    void Message(string text);

    /// <summary>A converge enters <paramref name="phase"/>; an observer of a bare apply never hears of one.</summary>
    void PhaseStarting(ConvergePhase phase)
    {
    }
}
