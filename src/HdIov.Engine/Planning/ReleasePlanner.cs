using HdIov.Engine.Discovery;
using HdIov.Engine.Families;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// Gives a released PF back as the ledger recorded it before the engine first changed it. A PF is released when its
/// device entry says <c>mode: none</c>, or (whole-host plans) when no device entry selects it any more. Its family puts
/// its configuration back; its VF count, VF drivers and <c>driver_override</c> values go back to the recorded ones; the
/// last step makes the ledger forget the PF, unless its family has to wait to give the configuration back. The holder
/// guard checks these steps like any other.
/// </summary>
internal static class ReleasePlanner
{
    public static void Plan(PlanContext context)
    {
        var baselines = context.State.Ledger.Entries
            .Where(e => e.Kind == LedgerEntryKind.Baseline && e.Baseline is not null)
            .GroupBy(e => e.Parent, StringComparer.Ordinal)
            .Select(g => g.Last());
        foreach (var entry in baselines)
        {
            if (!IsReleased(context, entry.Parent) || !PciAddress.TryParse(entry.Parent, out var address)
                || context.State.FindFunction(address) is not { } pf)
            {
                continue;
            }

            var baseline = entry.Baseline!;
            var target = context.TargetsByParent.GetValueOrDefault(entry.Parent);
            var group = target?.Address ?? entry.Parent;
            var givenBack = baseline.ConfigFile is not { } file || DeviceFamilies.Of(pf).PlanRelease(context, pf, file, group);
            if (baseline.VfCount is { } count)
            {
                PlanVfs(context, pf, baseline, count, group);
            }

            if (!givenBack)
            {
                continue;
            }

            context.Add(new PendingStep(
                StepPhase.Persist, group, $"{group}/baseline", StepAction.Delete,
                new ForgetBaseline(entry.Parent),
                "recorded as it was before HdIov changed it", null, Disruption.None,
                "the device is given back; the ledger forgets it"));
        }
    }

    /// <summary>True when the plan gives the PF back: its entry says <c>mode: none</c>, or a whole-host spec no longer selects it.</summary>
    public static bool IsReleased(PlanContext context, string parent) =>
        context.TargetsByParent.TryGetValue(parent, out var target)
            ? target.Entry.Mode == SplitMode.None
            : context.Scope.IsWholeHost && !context.SelectedParents.Contains(parent);

    /// <summary>True when the release gives the PF's VF count back (so the owned-VF cleanup leaves it to the release).</summary>
    public static bool RestoresVfs(PlanContext context, string parent) =>
        context.State.Ledger.FindBaseline(parent)?.VfCount is not null && IsReleased(context, parent);

    private static void PlanVfs(PlanContext context, PciFunction pf, DeviceBaseline baseline, int count, string group)
    {
        var current = pf.Sriov?.NumVfs ?? 0;
        var drivers = baseline.VfDrivers ?? [];
        if (current != count && current > 0)
        {
            context.Add(new PendingStep(
                StepPhase.Remove, group, $"{group}/vfs", StepAction.Update,
                new SetVfCount(pf.Address, current, 0), $"{current} VFs", "0 VFs", Disruption.DeviceReset,
                $"the device entry releases {pf.Address}; it had {count} VFs before HdIov changed it, and the kernel changes the count only through 0"));
        }

        var driversDiffer = drivers.Any(d => PciAddress.TryParse(d.Address, out var vf)
            && context.State.FindFunction(vf) is var now && (now?.Driver != d.Driver || now?.DriverOverride != d.Override));
        if (current == count && !driversDiffer)
        {
            return;
        }

        var from = current == count ? count : 0;
        context.Add(new PendingStep(
            StepPhase.Create, group, $"{group}/vfs", StepAction.Update,
            new RestoreVfs(pf.Address, from, count, baseline.DriversAutoprobe, drivers),
            $"{current} VFs", $"{count} VFs{(drivers.Count > 0 ? $" bound as before ({string.Join(", ", drivers.Select(d => d.Driver ?? "no driver").Distinct())})" : string.Empty)}",
            from > 0 ? Disruption.DeviceReset : Disruption.None,
            $"the device entry releases {pf.Address}: its VFs go back to what they were before HdIov changed them"));
    }
}
