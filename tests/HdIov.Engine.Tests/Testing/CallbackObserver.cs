using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Tests.Testing;

/// <summary>An apply observer that runs test code at step boundaries.</summary>
internal sealed class CallbackObserver(Action<PlanStep, int>? starting = null, Action<PlanStep, int>? completed = null) : IApplyObserver
{
    public void StepStarting(PlanStep step, int index, int count) => starting?.Invoke(step, index);

    public void StepCompleted(PlanStep step, int index, int count) => completed?.Invoke(step, index);

    public void Message(string text)
    {
    }
}
