using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// Removes what the engine owns and the spec no longer declares: VDEVs (newest first) and VF sets of PFs
/// no device entry manages any more. A scoped plan only removes VDEVs named after its device entries and VF sets on
/// the PFs its entries select. VF sets of a PF whose state before the engine is recorded are given back by
/// <see cref="ReleasePlanner"/> instead.
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
                && !OwnershipLedger.IsImperative(e)
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

        PlanImperative(context, desired);

        foreach (var entry in state.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.VirtualFunctions && !context.ManagedVfPfs.Contains(e.Parent)
            && (context.Scope.IsWholeHost || context.SelectedParents.Contains(e.Parent))
            && !ReleasePlanner.RestoresVfs(context, e.Parent)))
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

    /// <summary>
    /// VDEVs created on request that no declared VDEV took over stay where they are, with a warning, unless the device
    /// entry of their parent says <c>ownership: prune</c>.
    /// </summary>
    private static void PlanImperative(PlanContext context, HashSet<(string Parent, Guid Uuid)> desired)
    {
        var leftOver = context.State.Ledger.Entries
            .Where(e => OwnershipLedger.IsImperative(e) && e.Uuid is { } uuid
                && !desired.Contains((e.Parent, uuid))
                && !context.RemovedMdevs.Contains(uuid))
            .OrderBy(e => e.Parent, StringComparer.Ordinal)
            .ThenBy(e => e.VdevName, StringComparer.Ordinal);
        foreach (var entry in leftOver)
        {
            var uuid = entry.Uuid!.Value;
            var isLive = context.LiveMdevs.TryGetValue(uuid, out var live);
            var target = context.TargetsByParent.GetValueOrDefault(entry.Parent);
            if (target?.Entry.Ownership == OwnershipPolicy.Prune)
            {
                context.RemovedMdevs.Add(uuid);
                context.Add(new PendingStep(
                    StepPhase.Remove,
                    entry.Parent,
                    entry.VdevName ?? $"{entry.Parent}/{uuid}",
                    StepAction.Delete,
                    new RemoveMdev(entry.Parent, live?.Type ?? entry.Type ?? string.Empty, uuid, entry.VdevName),
                    $"{live?.Type ?? entry.Type} {uuid} (created on request{(isLive ? string.Empty : ", not live")})",
                    null,
                    isLive ? Disruption.DeviceReset : Disruption.None,
                    "ownership: prune removes VDEVs the spec does not declare, including ones created on request; a VM using it loses the device"));
                continue;
            }

            context.WarnAtEntryOrDocument(
                DiagnosticCodes.ImperativeVdevNotDeclared,
                $"VDEV {entry.VdevName} ({entry.Type} {uuid} on {entry.Parent}) was created on request and the spec does not declare it; it is left as it is",
                $"declare it (a VDEV of type {entry.Type} on {entry.Parent} takes it over without re-creating it), or remove it with Remove-HdIovVirtualDevice -Name {entry.VdevName}",
                target);
        }
    }
}
