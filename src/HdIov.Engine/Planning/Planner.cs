using System.Collections.Immutable;
using HdIov.Engine.Families;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// Computes the ordered steps from an observed host to a declared state. Pure and deterministic: the same spec
/// and state always give the same plan, and nothing here touches a host.
/// </summary>
public static class Planner
{
    /// <exception cref="PlanRejectedException">The state cannot be reached; every reason is a located diagnostic.</exception>
    public static Plan Plan(HostSpec spec, HostState state) => Plan(spec, state, PlanScope.WholeHost);

    /// <summary>Plans a partial spec: only what <paramref name="scope"/> covers is removed or rewritten (see <see cref="PlanScope"/>).</summary>
    /// <exception cref="PlanRejectedException">The state cannot be reached; every reason is a located diagnostic.</exception>
    public static Plan Plan(HostSpec spec, HostState state, PlanScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        if (ModelGuard.Check(spec) is { Count: > 0 } invalid)
        {
            throw new PlanRejectedException(invalid);
        }

        var context = new PlanContext(spec, state, scope);
        PlatformPlanner.Plan(context);
        var targets = TargetResolver.Resolve(spec, state, context.Problems);
        if (!scope.IsWholeHost)
        {
            RefuseParentsOfOtherEntries(context, targets);
        }

        foreach (var target in targets)
        {
            context.TargetsByParent[target.ParentName] = target;
            target.Family.Plan(context, target);

            context.SelectedParents.Add(target.ParentName);
            if (target.Entry.Mode == SplitMode.None && target.Function?.Sriov is { NumVfs: > 0 })
            {
                context.ManagedVfPfs.Remove(target.ParentName);
            }
        }

        OwnedCleanupPlanner.Plan(context);
        ReleasePlanner.Plan(context);
        foreach (var family in DeviceFamilies.All)
        {
            family.CheckPlan(context, targets);
        }

        AttachmentPlanner.Plan(context);
        HolderGuard.Check(context);

        if (context.Problems.Count > 0)
        {
            throw new PlanRejectedException(context.Problems);
        }

        return new Plan(spec.Name, state.Fingerprint, PlanAssembler.Assemble(context.Steps), [.. context.Warnings])
        {
            PendingReboot = [.. context.PendingReboot],
            Observation = state.Scope,
        };
    }

    /// <summary>
    /// A scoped plan sees one piece of the host; a PF that carries VDEVs owned under another entry's name belongs to
    /// that other piece (a PF has one entry), so planning it here is refused instead of mixing two splits on it.
    /// </summary>
    private static void RefuseParentsOfOtherEntries(PlanContext context, List<SplitTarget> targets)
    {
        foreach (var target in targets)
        {
            var other = context.State.Ledger.Entries
                .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Parent == target.ParentName)
                .Select(e => VdevName.TryParse(e.VdevName, out var name) ? name.Device : null)
                .FirstOrDefault(d => d is not null && d != target.Entry.Name && !context.Scope.Devices.Contains(d));
            if (other is not null)
            {
                context.Error(
                    Diagnostics.DiagnosticCodes.ModeConflict,
                    $"{target.Label} carries VDEVs of device entry '{other}'; a PF belongs to one device entry",
                    $"select another PF, or remove '{other}' first",
                    target,
                    ".select");
            }
        }
    }

    /// <summary>
    /// The PFs (or non-PCI parents) each device entry selects on this host, in PF-ordinal order; an entry that matches
    /// nothing maps to an empty list. Selection problems (a PF chosen twice) are left to <see cref="Plan(HostSpec, HostState)"/>.
    /// </summary>
    public static ImmutableDictionary<string, ImmutableArray<string>> Selections(HostSpec spec, HostState state)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        var targets = TargetResolver.Resolve(spec, state, []);
        return spec.Devices.ToImmutableDictionary(
            d => d.Name,
            d => targets.Where(t => t.Entry.Name == d.Name).OrderBy(t => t.PfOrdinal).Select(t => t.ParentName).ToImmutableArray(),
            StringComparer.Ordinal);
    }
}
