using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Sriov;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.E810;

/// <summary>E810 ports: <c>ice-vdcm</c> VDEVs within the adapter's VDEV budget, or SR-IOV VFs; never both on one port.</summary>
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
            SriovPlanner.DisableVfs(context, target, port);
        }

        var count = entry.Vdevs.GetValueOrDefault(IceSiovBackend.TypeId);
        MdevSplitPlanner.Plan(context, target, [(IceSiovBackend.TypeId, IceSiovBackend.TypeId, count)], parentIsReset: false, Persistence.HdIov);
    }

    /// <summary>After every step is planned: the adapter's live mdevs, less the removals, plus the creations must fit its budget.</summary>
    public static void CheckBudgets(PlanContext context, IReadOnlyList<SplitTarget> targets)
    {
        var adapters = targets.Where(t => t.Family is IceFamily && t.Entry.Mode == SplitMode.Siov)
            .GroupBy(t => IceSiovBackend.AdapterKey(t.Function!));
        var createdByParent = context.Steps
            .Select(s => s.Operation).OfType<CreateMdev>()
            .GroupBy(c => c.Parent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var adapter in adapters)
        {
            var budget = AdapterBudget.Of(context.State, adapter.First().Function!);
            var removed = budget.Live.Count(m => context.RemovedMdevs.Contains(m.Uuid));
            var created = budget.Ports.Sum(p => createdByParent.GetValueOrDefault(p));
            if (budget.Exceeded(created - removed) is { } exceeded)
            {
                context.Error(
                    DiagnosticCodes.CapacityExceeded,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{exceeded} ({budget.Live.Count} live, {removed} removed, {created} created), above its budget of {IceSiovBackend.AdapterBudget}"),
                    $"declare at most {IceSiovBackend.AdapterBudget} ice-vdcm VDEVs across the adapter's ports, counting ones the engine does not own",
                    adapter.First(),
                    ".vdevs");
            }
        }
    }
}
