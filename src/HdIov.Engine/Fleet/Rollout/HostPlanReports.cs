using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>A plan as a fleet reads it (<see cref="HostPlanReport"/>), and a host's hardware shape.</summary>
public static class HostPlanReports
{
    public static HostPlanReport Of(string hostName, Plan plan, HostState state)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        var created = plan.Steps.Count(s => s.Operation is CreateMdev);
        var removed = plan.Steps.Count(s => s.Operation is RemoveMdev);
        var vms = plan.Steps
            .Select(s => s.Operation switch
            {
                AttachVdevToVm attach => $"{attach.Uri}|{attach.Domain}",
                DetachVdevFromVm detach => $"{detach.Uri}|{detach.Domain}",
                _ => null,
            })
            .Where(vm => vm is not null)
            .Distinct(StringComparer.Ordinal)
            .Count();
        var needsReboot = !PendingReboots.Of(plan).IsEmpty;
        return new HostPlanReport(hostName, plan.Steps.Length, plan.HighestDisruption, created, removed, needsReboot, vms, ShapeOf(state), []);
    }

    public static HostPlanReport Refused(string hostName, IReadOnlyList<HostError> errors, HardwareShape shape) =>
        new(hostName, 0, Disruption.None, 0, 0, NeedsReboot: false, 0, shape, errors);

    /// <summary>The CPU model, the families of the PFs that split (SR-IOV, SIOV, or an mdev parent) and the kernel release.</summary>
    public static HardwareShape ShapeOf(HostState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var parents = state.MdevParents.Where(p => p.PciAddress is not null).Select(p => p.PciAddress!.Value).ToHashSet();
        var families = state.Functions
            .Where(f => !f.IsVirtualFunction && (f.Capabilities.Sriov is not null || f.Capabilities.Siov is not null || parents.Contains(f.Address)))
            .Select(DeviceFamilies.NameOf)
            .Concat(state.MdevParents.Where(p => p.PciAddress is null).Select(p => DeviceFamilies.NameOf(null, p.Types.FirstOrDefault()?.Id)))
            .ToImmutableSortedSet(StringComparer.Ordinal);
        return new HardwareShape(state.Cpu.ModelName, families, state.Kernel.Release);
    }
}
