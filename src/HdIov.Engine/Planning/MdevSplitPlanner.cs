using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// The minimal diff between the VDEVs a parent has and the ones a device entry wants: keep what matches,
/// create what is missing, remove unowned ones only under <c>prune</c>, adopt them under <c>adopt</c>.
/// Owned VDEVs nobody wants are removed by <see cref="OwnedCleanupPlanner"/>.
/// </summary>
internal static class MdevSplitPlanner
{
    public static SplitOutcome Plan(
        PlanContext context,
        SplitTarget target,
        IReadOnlyList<(string Key, string TypeId, int Count)> wanted,
        bool parentIsReset,
        Persistence persistence)
    {
        var state = context.State;
        var live = state.Mdevs.Where(m => m.Parent == target.ParentName).ToList();
        var liveByUuid = context.LiveMdevs;

        var desired = new List<DesiredVdev>();
        foreach (var (key, typeId, count) in wanted)
        {
            for (var ordinal = 0; ordinal < count; ordinal++)
            {
                var name = new VdevName(target.Entry.Name, target.PfOrdinal, key, ordinal);
                var recorded = context.OwnedMdev(target.ParentName, name.ToString());
                desired.Add(new DesiredVdev(name, typeId, recorded?.Uuid ?? VdevIdentity.UuidFor(context.Spec.Name, name)));
            }
        }

        var adopted = new HashSet<Guid>();
        desired = AdoptImperative(context, target, desired, parentIsReset, persistence, adopted);
        if (parentIsReset)
        {
            RefuseImperativeInTheWay(context, target, adopted);
        }

        var desiredUuids = desired.Select(d => d.Uuid).ToHashSet();
        var unowned = live.Where(m => !context.Owns(m.Uuid) && !desiredUuids.Contains(m.Uuid)).ToList();
        if (target.Entry.Ownership == OwnershipPolicy.Adopt)
        {
            desired = Adopt(context, target, desired, unowned, liveByUuid, persistence);
            desiredUuids = desired.Select(d => d.Uuid).ToHashSet();
            unowned = unowned.Where(m => !desiredUuids.Contains(m.Uuid)).ToList();
        }

        var creates = new Dictionary<string, int>(StringComparer.Ordinal);
        var removes = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var mdev in unowned.OrderByDescending(m => m.Uuid))
        {
            if (target.Entry.Ownership == OwnershipPolicy.Prune)
            {
                context.RemovedMdevs.Add(mdev.Uuid);
                Increment(removes, mdev.Type);
                context.Add(new PendingStep(
                    StepPhase.Remove, target.Address, $"{target.Address}/{mdev.Type}/{mdev.Uuid}", StepAction.Delete,
                    new RemoveMdev(target.ParentName, mdev.Type, mdev.Uuid, null),
                    $"{mdev.Type} {mdev.Uuid} (not owned)", null, Disruption.DeviceReset,
                    "ownership: prune removes VDEVs the spec does not declare; a VM using it loses the device"));
            }
            else if (parentIsReset)
            {
                context.Error(
                    DiagnosticCodes.UnownedInTheWay,
                    $"{target.Label}: reconfiguring the device would destroy {mdev.Type} {mdev.Uuid}, which the engine did not create",
                    "remove that VDEV first, or set ownership: adopt (keep it as one of the declared VDEVs) or ownership: prune",
                    target);
            }
        }

        foreach (var vdev in desired)
        {
            context.DesiredByName[vdev.Name.ToString()] = (target.ParentName, vdev.Uuid);
            liveByUuid.TryGetValue(vdev.Uuid, out var current);
            if (current is not null && current.Parent != target.ParentName && !context.Owns(current.Uuid))
            {
                context.Error(
                    DiagnosticCodes.UnownedInTheWay,
                    $"{vdev.Name} needs UUID {vdev.Uuid}, which an mdev on {current.Parent} that the engine did not create already uses",
                    "remove that mdev, or rename the host (metadata.name) so the VDEV UUIDs change",
                    target);
                continue;
            }

            var matches = current is not null && current.Parent == target.ParentName && current.Type == vdev.TypeId;
            if (current is not null && !matches && current.Parent == target.ParentName)
            {
                context.RemovedMdevs.Add(current.Uuid);
                Increment(removes, current.Type);
                context.Add(new PendingStep(
                    StepPhase.Remove, target.Address, vdev.Name.ToString(), StepAction.Delete,
                    new RemoveMdev(current.Parent, current.Type, current.Uuid, vdev.Name.ToString()),
                    $"{current.Type} {current.Uuid}", null, Disruption.DeviceReset,
                    $"the VDEV's type changed to {vdev.TypeId}; it is re-created"));
            }

            if (matches && !parentIsReset)
            {
                if (!adopted.Contains(vdev.Uuid))
                {
                    PlanPersistence(context, target, vdev, persistence);
                }

                continue;
            }

            Increment(creates, vdev.TypeId);
            context.Add(new PendingStep(
                StepPhase.Create, target.Address, vdev.Name.ToString(), StepAction.Create,
                new CreateMdev(target.ParentName, vdev.TypeId, vdev.Uuid, vdev.Name.ToString(), persistence),
                matches ? $"{vdev.TypeId} {vdev.Uuid} (destroyed by the reset)" : null,
                $"{vdev.TypeId} {vdev.Uuid}",
                Disruption.None,
                matches ? "re-created with the same UUID after the device reset" : "declared by the spec"));
        }

        return new SplitOutcome(creates, removes);
    }

    /// <summary>
    /// VDEVs created on request on this parent become declared ones: first the one that has a desired VDEV's UUID, then
    /// free ones of a desired type (live ones before ones only recorded). A live one is recorded under its spec name
    /// without being re-created; one that is not live (or whose parent is reset) is created with its UUID, which
    /// records it as declared.
    /// </summary>
    private static List<DesiredVdev> AdoptImperative(
        PlanContext context,
        SplitTarget target,
        List<DesiredVdev> desired,
        bool parentIsReset,
        Persistence persistence,
        HashSet<Guid> adopted)
    {
        var imperative = context.State.Ledger.Entries
            .Where(e => OwnershipLedger.IsImperative(e) && e.Parent == target.ParentName && e.Uuid is not null)
            .ToList();
        if (imperative.Count == 0)
        {
            return desired;
        }

        var byUuid = imperative.GroupBy(e => e.Uuid!.Value).ToDictionary(g => g.Key, g => g.Last());
        var desiredUuids = desired.Select(d => d.Uuid).ToHashSet();
        var pool = imperative
            .Where(e => !desiredUuids.Contains(e.Uuid!.Value))
            .OrderBy(e => context.LiveMdevs.ContainsKey(e.Uuid!.Value) ? 0 : 1)
            .ThenBy(e => e.VdevName, StringComparer.Ordinal)
            .ThenBy(e => e.Uuid)
            .ToList();

        var result = new List<DesiredVdev>(desired.Count);
        foreach (var vdev in desired)
        {
            var chosen = vdev;
            if (!byUuid.TryGetValue(vdev.Uuid, out var entry)
                && context.OwnedMdev(target.ParentName, vdev.Name.ToString()) is null
                && !(context.LiveMdevs.TryGetValue(vdev.Uuid, out var existing) && existing.Parent == target.ParentName && existing.Type == vdev.TypeId))
            {
                entry = pool.FirstOrDefault(e => TypeOf(context, e) == vdev.TypeId);
                if (entry is not null)
                {
                    pool.Remove(entry);
                    chosen = vdev with { Uuid = entry.Uuid!.Value };
                }
            }

            result.Add(chosen);
            if (entry is null)
            {
                continue;
            }

            adopted.Add(chosen.Uuid);
            if (parentIsReset || !context.LiveMdevs.TryGetValue(chosen.Uuid, out var live) || live.Parent != target.ParentName || live.Type != chosen.TypeId)
            {
                continue;
            }

            context.Add(new PendingStep(
                StepPhase.Persist, target.Address, vdev.Name.ToString(), StepAction.Update,
                new AdoptMdev(target.ParentName, live.Type, live.Uuid, vdev.Name.ToString(), persistence),
                $"{live.Type} {live.Uuid} (created on request as {entry.VdevName})", $"declared as {vdev.Name}", Disruption.None,
                "the spec declares a VDEV of this type on this parent; the one created on request is taken over, not re-created"));
        }

        return result;
    }

    /// <summary>A reset destroys every mdev on the parent: one created on request that the spec does not take over is in the way.</summary>
    private static void RefuseImperativeInTheWay(PlanContext context, SplitTarget target, HashSet<Guid> adopted)
    {
        if (target.Entry.Ownership == OwnershipPolicy.Prune)
        {
            return;
        }

        var inTheWay = context.State.Ledger.Entries
            .Where(e => OwnershipLedger.IsImperative(e) && e.Parent == target.ParentName && e.Uuid is { } uuid
                && context.LiveMdevs.ContainsKey(uuid) && !adopted.Contains(uuid));
        foreach (var entry in inTheWay)
        {
            context.Error(
                DiagnosticCodes.UnownedInTheWay,
                $"{target.Label}: reconfiguring the device would destroy {entry.VdevName} ({entry.Type} {entry.Uuid}), which was created on request and is not declared",
                $"declare it (a VDEV of type {entry.Type} on this PF takes it over), remove it with Remove-HdIovVirtualDevice -Name {entry.VdevName}, or set ownership: prune",
                target);
        }
    }

    private static string? TypeOf(PlanContext context, LedgerEntry entry) =>
        context.LiveMdevs.TryGetValue(entry.Uuid!.Value, out var live) ? live.Type : entry.Type;

    private static List<DesiredVdev> Adopt(
        PlanContext context,
        SplitTarget target,
        List<DesiredVdev> desired,
        List<MdevDevice> unowned,
        Dictionary<Guid, MdevDevice> liveByUuid,
        Persistence persistence)
    {
        var pool = unowned.OrderBy(m => m.Uuid).ToList();
        var result = new List<DesiredVdev>(desired.Count);
        foreach (var vdev in desired)
        {
            var alreadyThere = liveByUuid.TryGetValue(vdev.Uuid, out var current) && current.Type == vdev.TypeId;
            var candidate = alreadyThere ? null : pool.FirstOrDefault(m => m.Type == vdev.TypeId);
            if (candidate is null)
            {
                result.Add(vdev);
                continue;
            }

            pool.Remove(candidate);
            result.Add(vdev with { Uuid = candidate.Uuid });
            context.Add(new PendingStep(
                StepPhase.Persist, target.Address, vdev.Name.ToString(), StepAction.Update,
                new AdoptMdev(target.ParentName, candidate.Type, candidate.Uuid, vdev.Name.ToString(), persistence),
                $"{candidate.Type} {candidate.Uuid} (not owned)", $"owned as {vdev.Name}", Disruption.None,
                "ownership: adopt takes over an existing VDEV of the declared type"));
        }

        return result;
    }

    private static void PlanPersistence(PlanContext context, SplitTarget target, DesiredVdev vdev, Persistence persistence)
    {
        var recorded = context.OwnedMdev(vdev.Uuid);
        var definition = context.Definition(vdev.Uuid);
        var definitionOk = persistence != Persistence.Mdevctl
            || (definition is not null && definition.Parent == target.ParentName && definition.Type == vdev.TypeId && definition.AutoStart);
        var ledgerOk = recorded is not null && recorded.Parent == target.ParentName && recorded.VdevName == vdev.Name.ToString()
            && recorded.Persistence == persistence && !OwnershipLedger.IsImperative(recorded);
        if (definitionOk && ledgerOk)
        {
            return;
        }

        context.Add(new PendingStep(
            StepPhase.Persist, target.Address, vdev.Name.ToString(), StepAction.Update,
            new PersistMdev(target.ParentName, vdev.TypeId, vdev.Uuid, vdev.Name.ToString(), persistence),
            definitionOk ? "not in the ledger" : "not persisted",
            persistence == Persistence.Mdevctl ? "mdevctl definition (start: auto)" : "recorded for the boot-time converge",
            Disruption.None,
            "the VDEV exists but would not come back after a reboot"));
    }

    private static void Increment(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
