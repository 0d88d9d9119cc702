using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// Removes what the engine owns and the spec no longer declares: VDEVs (newest first) and VF sets of PFs
/// no device entry manages any more. A scoped plan only removes VDEVs named after its device entries and VF sets on
/// the PFs its entries select.
/// </summary>
internal static class OwnedCleanupPlanner
{
    public static void Plan(PlanContext context)
    {
        var state = context.State;
        var liveByUuid = context.LiveMdevs;
        var desired = context.DesiredByName.Values.ToHashSet();
        var unwanted = state.Ledger.Entries
            .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid is { } uuid
                && context.Scope.CoversDevice(e.VdevName)
                && !desired.Contains((e.Parent, uuid))
                && !context.RemovedMdevs.Contains(uuid))
            .OrderByDescending(e => VdevName.TryParse(e.VdevName, out var name) ? name.Ordinal : -1)
            .ThenByDescending(e => e.Recorded)
            .ThenByDescending(e => e.Uuid);

        foreach (var entry in unwanted)
        {
            var uuid = entry.Uuid!.Value;
            var isLive = liveByUuid.TryGetValue(uuid, out var live);
            context.RemovedMdevs.Add(uuid);
            context.Add(new PendingStep(
                StepPhase.Remove,
                entry.Parent,
                entry.VdevName ?? $"{entry.Parent}/{uuid}",
                StepAction.Delete,
                new RemoveMdev(entry.Parent, live?.Type ?? entry.Type ?? string.Empty, uuid, entry.VdevName),
                isLive ? $"{live!.Type} {uuid}" : $"{entry.Type} {uuid} (defined, not live)",
                null,
                isLive ? Disruption.DeviceReset : Disruption.None,
                isLive ? "no longer declared by the spec; a VM using it loses the device" : "no longer declared by the spec"));
        }

        foreach (var entry in state.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.VirtualFunctions && !context.ManagedVfPfs.Contains(e.Parent)
            && (context.Scope.IsWholeHost || context.SelectedParents.Contains(e.Parent))))
        {
            if (!Hardware.Pci.PciAddress.TryParse(entry.Parent, out var pf))
            {
                continue;
            }

            var current = state.FindFunction(pf)?.Sriov?.NumVfs ?? 0;
            context.Add(new PendingStep(
                StepPhase.Remove,
                entry.Parent,
                $"{entry.Parent}/vfs",
                StepAction.Delete,
                new SetVfCount(pf, current, 0),
                $"{current} VFs",
                "0 VFs",
                current > 0 ? Disruption.DeviceReset : Disruption.None,
                "no device entry manages these VFs any more"));
        }
    }
}
