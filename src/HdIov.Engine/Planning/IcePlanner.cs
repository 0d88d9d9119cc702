using HdIov.Engine.Backends;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>E810 ports: <c>ice-vdcm</c> VDEVs within the adapter's ADI budget, or SR-IOV VFs; never both on one port.</summary>
internal static class IcePlanner
{
    public static void Plan(PlanContext context, SplitTarget target)
    {
        var state = context.State;
        var port = target.Function!;
        var entry = target.Entry;
        if (entry.Mode == SplitMode.Sriov)
        {
            var mdevs = state.Mdevs.Where(m => m.Parent == target.ParentName).ToList();
            if (mdevs.Count > 0)
            {
                MdevSplitPlanner.Plan(context, target, [], parentIsReset: true, Persistence.HdIov);
            }

            SriovPlanner.Plan(context, target, entry.Vfs!.Count, entry.Vfs.Driver);
            return;
        }

        if (entry.Mode == SplitMode.None)
        {
            return;
        }

        foreach (var key in entry.Vdevs.Keys.Where(k => k != IceSiovBackend.TypeId))
        {
            context.Error(
                DiagnosticCodes.TypeNotOffered,
                $"{target.Label}: E810 ports offer only the '{IceSiovBackend.TypeId}' VDEV type, not '{key}'",
                $"use vdevs: {{ {IceSiovBackend.TypeId}: N }}",
                target,
                $".vdevs.{key}");
        }

        if (!SiovPlatform.Permits(context, target, "E810 SIOV"))
        {
            return;
        }

        if (IceSiovBackend.HardwareBlocker(port) is { } hardware)
        {
            context.Error(
                DiagnosticCodes.BackendUnsupported,
                $"{target.Label} cannot do SIOV: {hardware}",
                "check the NIC's NVM/firmware settings, or use mode: sriov on this port",
                target,
                ".mode");
            return;
        }

        var parent = state.FindParent(target.ParentName);
        if (parent?.FindType(IceSiovBackend.TypeId) is null)
        {
            context.Error(
                DiagnosticCodes.DriverMissing,
                $"{target.Label} is not registered as an mdev parent with type {IceSiovBackend.TypeId}",
                "load Intel's out-of-tree ice driver with SIOV support (it needs a kernel with IOMMU aux-domain support, 5.15 or older)",
                target,
                ".mode");
            return;
        }

        if (port.Sriov?.NumVfs > 0)
        {
            QatPlanner.DisableVfs(context, target, port);
        }

        var count = entry.Vdevs.GetValueOrDefault(IceSiovBackend.TypeId);
        MdevSplitPlanner.Plan(context, target, [(IceSiovBackend.TypeId, IceSiovBackend.TypeId, count)], parentIsReset: false, Persistence.HdIov);
    }

    /// <summary>After every step is planned: the adapter's live ADIs, less the removals, plus the creations must fit its budget.</summary>
    public static void CheckBudgets(PlanContext context, IReadOnlyList<SplitTarget> targets)
    {
        var adapters = targets.Where(t => t.Family == DeviceFamily.E810 && t.Entry.Mode == SplitMode.Siov)
            .GroupBy(t => AdapterKey(t.Function!));
        foreach (var adapter in adapters)
        {
            var ports = context.State.Functions
                .Where(f => DeviceFamilies.Classify(f) == DeviceFamily.E810 && AdapterKey(f) == adapter.Key)
                .Select(f => f.Address.ToString())
                .ToHashSet(StringComparer.Ordinal);
            var live = context.State.Mdevs.Where(m => ports.Contains(m.Parent)).ToList();
            var removed = live.Count(m => context.RemovedMdevs.Contains(m.Uuid));
            var created = context.Steps.Count(s => s.Operation is CreateMdev create && ports.Contains(create.Parent));

            var total = live.Count - removed + created;
            if (total > IceSiovBackend.AdapterBudget)
            {
                context.Error(
                    DiagnosticCodes.CapacityExceeded,
                    $"E810 adapter {adapter.Key} would hold {total} ice-vdcm VDEVs across its ports ({live.Count} live, {removed} removed, {created} created), above its budget of {IceSiovBackend.AdapterBudget}",
                    $"declare at most {IceSiovBackend.AdapterBudget} ice-vdcm VDEVs across the adapter's ports, counting ones the engine does not own",
                    adapter.First(),
                    ".vdevs");
            }
        }
    }

    internal static string AdapterKey(PciFunction function) =>
        $"{function.Address.Domain:x4}:{function.Address.Bus:x2}:{function.Address.Device:x2}";
}
