using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families;

/// <summary>
/// A device entry's VDEVs against the parent's <c>available_instances</c>: the creations of a type must fit what is
/// available plus what the plan removes. A type whose count is not a number is left to the kernel, with a warning.
/// </summary>
internal static class SplitCapacity
{
    public static void Check(PlanContext context, SplitTarget target, MdevParent parent, IReadOnlyList<(string Key, string TypeId, int Count)> wanted, SplitOutcome outcome)
    {
        foreach (var (key, typeId, count) in wanted)
        {
            var type = parent.FindType(typeId)!;
            var creates = outcome.CreatesOf(typeId);
            if (type.Available.Count is not { } available)
            {
                if (creates > 0)
                {
                    context.Warn(
                        DiagnosticCodes.CapacityExceeded,
                        $"{target.Label}: capacity of {typeId} cannot be checked before applying (available_instances prints '{type.Available.Raw}')",
                        "the kernel's answer during apply decides; lower the count if creation fails",
                        target);
                }

                continue;
            }

            if (creates > available + outcome.RemovesOf(typeId))
            {
                context.Error(
                    DiagnosticCodes.CapacityExceeded,
                    $"{target.Label}: {creates} more {typeId} VDEVs are needed but the parent has {available} available instances of that type",
                    $"declare at most {available + outcome.RemovesOf(typeId) + (count - creates)} {key} VDEVs, or free instances on the parent",
                    target,
                    $".vdevs.{key}");
            }
        }
    }
}
