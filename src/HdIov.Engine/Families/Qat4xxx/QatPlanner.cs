using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Sriov;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>
/// QAT 4xxx PFs: chooses the services and ADI count the PF's config file needs, restarts the device only when the
/// current configuration cannot hold the declared VDEVs, and keeps SR-IOV and SIOV exclusive.
/// </summary>
internal static class QatPlanner
{
    public static void Plan(PlanContext context, SplitTarget target)
    {
        var state = context.State;
        var pf = target.Function!;
        var entry = target.Entry;
        var (qatIndex, config) = QatFamily.ConfigOf(state, pf);
        if (config is null)
        {
            if (entry.Mode == SplitMode.Sriov)
            {
                SriovPlanner.Plan(context, target, entry.Vfs!.Count, entry.Vfs.Driver);
                return;
            }

            context.Error(
                DiagnosticCodes.DriverMissing,
                $"{target.Label}: {QatSiovBackend.ConfigPath(qatIndex)} does not exist, so the QAT driver with SIOV support is not installed",
                "install Intel's out-of-tree QAT driver (QAT20.L, configured with --enable-icp-sriov=host) and start qat_service",
                target,
                ".mode");
            return;
        }

        if (entry.Mode == SplitMode.Sriov)
        {
            PlanSriov(context, target, pf, config, qatIndex);
            return;
        }

        if (entry.Mode == SplitMode.None)
        {
            return;
        }

        if (!SiovPlatform.Permits(context, target, "QAT SIOV"))
        {
            return;
        }

        var services = entry.Services.IsDefaultOrEmpty
            ? [.. QatSiovBackend.Services.Where(s => entry.Vdevs.GetValueOrDefault(s) > 0)]
            : entry.Services;
        foreach (var key in entry.Vdevs.Keys.Where(k => !services.Contains(k)))
        {
            context.Error(
                DiagnosticCodes.TypeNotOffered,
                $"{target.Label}: VDEV type '{key}' is not among the enabled services [{string.Join(", ", services)}]",
                "add it to services, or use one of sym, asym, dc that services enables",
                target,
                $".vdevs.{key}");
        }

        var needPerService = entry.Vdevs.Count == 0 ? 0 : entry.Vdevs.Values.Max();
        var parent = state.FindParent(target.ParentName);
        var driver = parent?.Driver ?? pf.Driver ?? "4xxx";
        var wanted = entry.Vdevs
            .Where(v => services.Contains(v.Key))
            .Select(v => (v.Key, QatSiovBackend.TypeId(driver, v.Key), v.Value))
            .ToList();

        var sameServices = config.Services.Order(StringComparer.Ordinal).SequenceEqual(services.Order(StringComparer.Ordinal));
        var perServiceNow = QatSiovBackend.PerService(config.NumberAdis, config.Services.Length);
        var typesRegistered = parent is not null && wanted.All(w => parent.FindType(w.Item2) is not null);
        var vfsEnabled = pf.Sriov?.NumVfs > 0;
        var reset = !sameServices || perServiceNow < needPerService || !typesRegistered || config.NumberAdis == 0 || vfsEnabled;

        if (vfsEnabled)
        {
            SriovPlanner.DisableVfs(context, target, pf);
        }

        var numberAdis = config.NumberAdis;
        if (reset)
        {
            numberAdis = Math.Max(needPerService, sameServices ? perServiceNow : 0) * services.Length;
            var maxAdis = QatSiovBackend.MaxAdis(config);
            if (numberAdis > maxAdis)
            {
                var fit = services.Length == 0 ? 0 : maxAdis / services.Length;
                context.Error(
                    DiagnosticCodes.CapacityExceeded,
                    $"{target.Label}: {needPerService} VDEVs per service x {services.Length} services need NumberAdis {numberAdis}, but the PF has {QatSiovBackend.RingPairBanks} ring-pair banks and its kernel instances hold {QatSiovBackend.RingPairBanks - maxAdis}",
                    $"declare at most {fit} VDEVs per service with {services.Length} services, enable fewer services, or lower [KERNEL] instances in {config.Path}",
                    target,
                    ".vdevs");
                return;
            }

            context.Add(new PendingStep(
                StepPhase.Reset, target.Address, target.Address, StepAction.Update,
                new ConfigureQat(pf.Address, qatIndex, config.Path, [.. services], numberAdis),
                $"services {string.Join(';', config.Services)}, NumberAdis {config.NumberAdis}",
                $"services {string.Join(';', services)}, NumberAdis {numberAdis}",
                Disruption.DeviceReset,
                $"restarting {QatSiovBackend.DeviceName(qatIndex)} re-registers {pf.Address} and destroys its {state.Mdevs.Count(m => m.Parent == target.ParentName)} VDEVs; declared ones are re-created with the same UUIDs"));
        }

        var outcome = MdevSplitPlanner.Plan(context, target, wanted, reset, Persistence.Mdevctl);
        if (reset)
        {
            return;
        }

        foreach (var (key, typeId, _) in wanted)
        {
            var available = parent!.FindType(typeId)!.Available.Count ?? 0;
            var creates = outcome.CreatesOf(typeId);
            if (creates > available + outcome.RemovesOf(typeId))
            {
                context.Error(
                    DiagnosticCodes.CapacityExceeded,
                    $"{target.Label}: {creates} more {key} VDEVs are needed but {typeId} has {available} available instances",
                    "remove VDEVs of this type that the engine does not own, or lower the count",
                    target,
                    $".vdevs.{key}");
            }
        }
    }

    /// <summary>
    /// A released PF gets the config file it had before the engine first rewrote it and is restarted, unless the file
    /// is already that text and the device runs it (no VDEV types registered while the recorded config has no ADIs).
    /// The restart destroys every mdev on the PF, so while one stays that the release does not remove (the engine did
    /// not create it, or it was created on request), the PF keeps its configuration with a warning (HDIOV2009) and the
    /// ledger keeps the record: the give-back happens in the first plan after that VDEV is gone.
    /// </summary>
    public static bool PlanRelease(PlanContext context, PciFunction pf, ConfigFileBaseline file, string group)
    {
        var (qatIndex, config) = QatFamily.ConfigOf(context.State, pf);
        var original = file.Text is null ? null : QatConfigParser.Parse(qatIndex, file.Path, file.Text);
        var registered = context.State.FindParent(pf.Address.ToString()) is not null;
        var same = config?.Text == file.Text && (original is null || original.NumberAdis > 0 || !registered);
        if (same)
        {
            return true;
        }

        var parent = pf.Address.ToString();
        var staying = context.State.Mdevs.Where(m => m.Parent == parent && !context.RemovedMdevs.Contains(m.Uuid)).ToList();
        if (staying.Count > 0)
        {
            context.WarnAtEntryOrDocument(
                DiagnosticCodes.UnownedInTheWay,
                $"{pf.Address} keeps its QAT configuration for now: giving it back restarts {QatSiovBackend.DeviceName(qatIndex)}, which would destroy "
                + $"{string.Join(", ", staying.Select(m => $"{m.Type} {m.Uuid}"))}, not removed by this release",
                "remove those VDEVs (Remove-HdIovVirtualDevice, or mdevctl stop/undefine for one the engine did not create), then apply again to give the PF back",
                context.TargetsByParent.GetValueOrDefault(parent));
            return false;
        }

        context.Add(new PendingStep(
            StepPhase.Reset, group, group, StepAction.Update,
            new RestoreQatConfiguration(pf.Address, qatIndex, file.Path, file.Text),
            config is null ? "(no config file)" : $"services {string.Join(';', config.Services)}, NumberAdis {config.NumberAdis}",
            original is null ? $"no {file.Path} (HdIov created it)" : $"services {string.Join(';', original.Services)}, NumberAdis {original.NumberAdis} (as before HdIov changed it)",
            Disruption.DeviceReset,
            $"the device entry releases {pf.Address}: its QAT configuration goes back to what it was before HdIov changed it, and restarting {QatSiovBackend.DeviceName(qatIndex)} applies it"));
        return true;
    }

    private static void PlanSriov(PlanContext context, SplitTarget target, PciFunction pf, QatDeviceConfig config, int qatIndex)
    {
        if (config.NumberAdis > 0)
        {
            var parentMdevs = context.State.Mdevs.Where(m => m.Parent == target.ParentName).ToList();
            MdevSplitPlanner.Plan(context, target, [], parentIsReset: true, Persistence.Mdevctl);
            context.Add(new PendingStep(
                StepPhase.Reset, target.Address, target.Address, StepAction.Update,
                new ConfigureQat(pf.Address, qatIndex, config.Path, [.. config.Services], 0),
                $"services {string.Join(';', config.Services)}, NumberAdis {config.NumberAdis}",
                $"services {string.Join(';', config.Services)}, NumberAdis 0 (SR-IOV mode)",
                Disruption.DeviceReset,
                $"SR-IOV and SIOV are exclusive on a QAT PF; restarting {QatSiovBackend.DeviceName(qatIndex)} destroys its {parentMdevs.Count} VDEVs"));
        }

        SriovPlanner.Plan(context, target, target.Entry.Vfs!.Count, target.Entry.Vfs.Driver);
    }
}
