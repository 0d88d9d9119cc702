using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Sriov;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.GenericMdev;

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

        // The capacity check: creations of each type against the parent's available instances, then all types
        // together where they share the parent's pool.
        SplitCapacity.Check(context, target, parent, wanted, outcome);
        SharedCapacity.Check(context, target, parent, outcome);
    }
}
