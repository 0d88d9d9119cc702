using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.PowerShell.Progress;

/// <summary>
/// Receives the executor's events on whatever thread it runs and queues them as writes for the pipeline thread,
/// which drains the queue (PowerShell forbids writing records from other threads).
/// </summary>
internal sealed class QueuedApplyObserver(BlockingCollection<Action> events, Cmdlet cmdlet, ConvergeProgress progress) : IApplyObserver
{
    public void StepStarting(PlanStep step, int index, int count)
    {
        var record = progress.Step(step, index, count);
        events.Add(() => cmdlet.WriteProgress(record));
        events.Add(() => cmdlet.WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"[{index + 1}/{count}] {step.Symbol} {step.Address}: {step.Description}")));
    }

    public void StepCompleted(PlanStep step, int index, int count) =>
        events.Add(() => cmdlet.WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"[{index + 1}/{count}] done: {step.Address}")));

    public void Message(string text) => events.Add(() => cmdlet.WriteVerbose(text));

    public void PhaseStarting(ConvergePhase phase)
    {
        var records = progress.StepsCompleted().Append(progress.Phase(phase)).ToList();
        events.Add(() => records.ForEach(cmdlet.WriteProgress));
    }
}
