using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>Any mdev parent through the kernel's generic ABI: the spec's VDEV keys are the parent's type ids.</summary>
internal static class GenericMdevPlanner
{
    public static void Plan(PlanContext context, SplitTarget target)
    {
        var entry = target.Entry;
        if (entry.Mode == SplitMode.Sriov)
        {
            if (target.Function is null)
            {
                context.Error(
                    DiagnosticCodes.SriovUnsupported,
                    $"{target.Label} is not a PCI function, so it has no SR-IOV",
                    "use mode: siov for this parent",
                    target,
                    ".mode");
                return;
            }

            SriovPlanner.Plan(context, target, entry.Vfs!.Count, entry.Vfs.Driver);
            return;
        }

        if (entry.Mode == SplitMode.None)
        {
            return;
        }

        var parent = context.State.FindParent(target.ParentName);
        if (parent is null)
        {
            context.Error(
                DiagnosticCodes.DriverMissing,
                $"{target.Label} is not registered as an mdev parent",
                $"load a driver for it that supports mediated devices{(target.Function?.Driver is { } driver ? $" (bound now: {driver})" : string.Empty)}",
                target,
                ".mode");
            return;
        }

        var wanted = new List<(string Key, string TypeId, int Count)>();
        foreach (var (key, count) in entry.Vdevs)
        {
            if (parent.FindType(key) is null)
            {
                context.Error(
                    DiagnosticCodes.TypeNotOffered,
                    $"{target.Label} does not offer mdev type '{key}'",
                    $"use one of: {string.Join(", ", parent.Types.Select(t => t.Id))}",
                    target,
                    $".vdevs.{key}");
                continue;
            }

            wanted.Add((key, key, count));
        }

        var persistence = parent.Types.All(t => t.Available.IsNumeric) ? Persistence.Mdevctl : Persistence.HdIov;
        var outcome = MdevSplitPlanner.Plan(context, target, wanted, parentIsReset: false, persistence);
        foreach (var (key, typeId, _) in wanted)
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
                    $"declare at most {available + outcome.RemovesOf(typeId) + (entry.Vdevs[key] - creates)} {typeId} VDEVs, or free instances on the parent",
                    target,
                    $".vdevs.{key}");
            }
        }

        SharedCapacity.Check(context, target, parent, outcome);
    }
}
