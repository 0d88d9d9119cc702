using HdIov.Engine.Backends;
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
        foreach (var target in targets)
        {
            switch (target.Family)
            {
                case DeviceFamily.Qat4xxx:
                    QatPlanner.Plan(context, target);
                    break;
                case DeviceFamily.E810:
                    IcePlanner.Plan(context, target);
                    break;
                default:
                    GenericMdevPlanner.Plan(context, target);
                    break;
            }

            context.SelectedParents.Add(target.ParentName);
            if (target.Entry.Mode == SplitMode.None && target.Function?.Sriov is { NumVfs: > 0 })
            {
                context.ManagedVfPfs.Remove(target.ParentName);
            }
        }

        OwnedCleanupPlanner.Plan(context);
        IcePlanner.CheckBudgets(context, targets);
        AttachmentPlanner.Plan(context);

        if (context.Problems.Count > 0)
        {
            throw new PlanRejectedException(context.Problems);
        }

        return new Plan(spec.Name, state.Fingerprint, PlanAssembler.Assemble(context.Steps), [.. context.Warnings])
        {
            PendingReboot = [.. context.PendingReboot],
        };
    }
}
