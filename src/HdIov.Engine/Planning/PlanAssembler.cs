using System.Collections.Immutable;

namespace HdIov.Engine.Planning;

/// <summary>
/// Orders pending steps by phase (stable within a phase) and numbers them; a step depends on the steps of the
/// same group in the nearest earlier phase that has any.
/// </summary>
internal static class PlanAssembler
{
    public static ImmutableArray<PlanStep> Assemble(IReadOnlyList<PendingStep> pending)
    {
        var ordered = pending.Select((step, index) => (step, index))
            .OrderBy(p => p.step.Phase)
            .ThenBy(p => p.index)
            .Select(p => p.step)
            .ToList();

        var idsByGroupAndPhase = new Dictionary<(string Group, StepPhase Phase), List<int>>();
        var steps = ImmutableArray.CreateBuilder<PlanStep>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var step = ordered[i];
            var id = i + 1;
            var dependsOn = ImmutableArray<int>.Empty;
            for (var phase = step.Phase - 1; phase >= StepPhase.Detach; phase--)
            {
                if (idsByGroupAndPhase.TryGetValue((step.Group, phase), out var earlier))
                {
                    dependsOn = [.. earlier];
                    break;
                }
            }

            if (!idsByGroupAndPhase.TryGetValue((step.Group, step.Phase), out var ids))
            {
                ids = [];
                idsByGroupAndPhase[(step.Group, step.Phase)] = ids;
            }

            ids.Add(id);
            steps.Add(new PlanStep(id, step.Address, step.Action, step.Operation, step.Before, step.After, step.Disruption, step.Reason, dependsOn));
        }

        return steps.MoveToImmutable();
    }
}
