using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Sriov;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Idxd;

/// <summary>
/// DSA and IAA PFs: VDEVs on the work queues configured for mdev use, within each type's available instances. The
/// engine does not configure work queues (that is <c>accel-config</c>'s job and a device-wide change), it only
/// says which one is missing.
/// </summary>
internal static class IdxdPlanner
{
    public static void Plan(PlanContext context, SplitTarget target)
    {
        var pf = target.Function!;
        var entry = target.Entry;
        if (entry.Mode == SplitMode.Sriov)
        {
            SriovPlanner.Plan(context, target, entry.Vfs!.Count, entry.Vfs.Driver);
            return;
        }

        if (entry.Mode == SplitMode.None)
        {
            return;
        }

        var engine = IdxdWorkQueues.EngineOf(pf.DeviceId);
        var offered = IdxdWorkQueues.Keys.Where(k => k.Engine == engine).Select(k => k.Key).ToList();
        var wanted = new List<(string Key, string TypeId, int Count)>();
        foreach (var (key, count) in entry.Vdevs)
        {
            if (!offered.Contains(key))
            {
                context.Error(
                    DiagnosticCodes.TypeNotOffered,
                    $"{target.Label}: this {engine} device offers the VDEV types {string.Join(", ", offered)}, not '{key}'",
                    $"use one of {string.Join(", ", offered)}; DSA and IAA devices are separate device entries",
                    target,
                    $".vdevs.{key}");
                continue;
            }

            wanted.Add((key, IdxdWorkQueues.TypeIdOf(key)!, count));
        }

        if (!SiovPlatform.Permits(context, target, $"{engine} SIOV"))
        {
            return;
        }

        if (pf.Capabilities.Pasid is null)
        {
            context.Error(
                DiagnosticCodes.BackendUnsupported,
                $"{target.Label}: PASID is not enabled on the device (no PASID capability), so its work queues cannot be given to VMs",
                "enable PASID for the device in the BIOS (PCIe ENQCMD/ENQCMDS, VT-d scalable features) or update the firmware",
                target,
                ".mode");
            return;
        }

        var parent = context.State.FindParent(target.ParentName);
        var missing = wanted.Where(w => parent?.FindType(w.TypeId) is null).ToList();
        foreach (var (key, typeId, _) in missing)
        {
            context.Error(
                DiagnosticCodes.DriverMissing,
                $"{target.Label}: no work queue of this device is configured for mdev use as {key} ({typeId} is not offered)",
                IdxdWorkQueues.ConfigureHint(pf, key),
                target,
                $".vdevs.{key}");
        }

        if (missing.Count > 0)
        {
            return;
        }

        var persistence = parent is null || parent.Types.All(t => t.Available.IsNumeric) ? Persistence.Mdevctl : Persistence.HdIov;
        var outcome = MdevSplitPlanner.Plan(context, target, wanted, parentIsReset: false, persistence);
        if (parent is not null)
        {
            SplitCapacity.Check(context, target, parent, wanted, outcome);
        }
    }
}
