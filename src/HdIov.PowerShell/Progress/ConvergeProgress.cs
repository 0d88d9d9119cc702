using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.PowerShell.Progress;

/// <summary>
/// The progress records of one converge: a parent activity that moves through the phases (observe, plan, apply,
/// verify) and, under it, a child activity with a record per plan step. Both complete at the end.
/// </summary>
internal sealed class ConvergeProgress(string activity)
{
    private const int PhaseActivityId = 1;
    private const int StepActivityId = 2;
    private const string StepActivity = "Applying the plan";
    private static readonly int PhaseCount = Enum.GetValues<ConvergePhase>().Length;

    private bool _stepsShown;

    public ProgressRecord Phase(ConvergePhase phase)
    {
        var number = (int)phase + 1;
        return new ProgressRecord(PhaseActivityId, activity, Describe(phase))
        {
            PercentComplete = (int)phase * 100 / PhaseCount,
            CurrentOperation = string.Create(CultureInfo.InvariantCulture, $"phase {number} of {PhaseCount}"),
        };
    }

    public ProgressRecord Step(PlanStep step, int index, int count)
    {
        _stepsShown = true;
        return new ProgressRecord(StepActivityId, StepActivity, $"{step.Symbol} {step.Address}: {step.Description}")
        {
            ParentActivityId = PhaseActivityId,
            PercentComplete = count == 0 ? 0 : Math.Clamp(index * 100 / count, 0, 100),
            CurrentOperation = string.Create(CultureInfo.InvariantCulture, $"step {index + 1} of {count}"),
        };
    }

    /// <summary>Completes the step activity, when it was shown.</summary>
    public IEnumerable<ProgressRecord> StepsCompleted()
    {
        if (_stepsShown)
        {
            _stepsShown = false;
            yield return new ProgressRecord(StepActivityId, StepActivity, "done")
            {
                ParentActivityId = PhaseActivityId,
                RecordType = ProgressRecordType.Completed,
            };
        }
    }

    /// <summary>Completes the step activity, when it is still shown, and then the converge's own.</summary>
    public IEnumerable<ProgressRecord> Completed()
    {
        foreach (var record in StepsCompleted())
        {
            yield return record;
        }

        yield return new ProgressRecord(PhaseActivityId, activity, "done") { RecordType = ProgressRecordType.Completed };
    }

    private static string Describe(ConvergePhase phase) => phase switch
    {
        ConvergePhase.Observe => "Reading the host",
        ConvergePhase.Plan => "Planning",
        ConvergePhase.Apply => "Applying the plan",
        ConvergePhase.Verify => "Reading the host again to tell what is left",
        _ => phase.ToString(),
    };
}
