using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Sriov;

/// <summary>
/// SR-IOV VFs: the kernel only moves between 0 and N (N to M answers EBUSY), so a new count goes through 0,
/// which destroys the VFs; each VF is then bound to the declared driver through <c>driver_override</c>.
/// </summary>
internal static class SriovPlanner
{
    private const string VfioPci = "vfio-pci";

    public static void Plan(PlanContext context, SplitTarget target, int desired, string? driver, StepPhase countPhase = StepPhase.Create)
    {
        var pf = target.Function!;
        context.ManagedVfPfs.Add(target.ParentName);
        if (pf.Sriov is null || pf.Capabilities.Sriov is null)
        {
            context.Error(
                DiagnosticCodes.SriovUnsupported,
                $"{target.Label} has no SR-IOV support (no SR-IOV capability, or its driver '{pf.Driver}' does not implement sriov_configure)",
                "use a PF with SR-IOV, load a driver that supports it, or use mode: siov / none",
                target,
                ".mode");
            return;
        }

        var sriov = pf.Sriov;
        if (desired > sriov.TotalVfs)
        {
            context.Error(
                DiagnosticCodes.CapacityExceeded,
                $"{target.Label} offers at most {sriov.TotalVfs} VFs (sriov_totalvfs) but {desired} are declared",
                $"set vfs.count to {sriov.TotalVfs} or less",
                target,
                ".vfs.count");
            return;
        }

        if (driver == VfioPci && context.State.IommuUnits.IsDefaultOrEmpty && context.IommuAfterReboot)
        {
            context.Warn(
                DiagnosticCodes.ScalableModeOff,
                $"{target.Label}: VFs for {VfioPci} are planned after the reboot that turns on VT-d: {VfioPci} only binds a device in an IOMMU group",
                "reboot the host, then apply the spec again",
                target);
            RebootDeferral.Defer(context, target, "the reboot that turns on VT-d");
            return;
        }

        var owned = context.State.Ledger.OwnsVirtualFunctions(target.ParentName);
        var mayChange = owned || sriov.NumVfs == 0 || target.Entry.Ownership != OwnershipPolicy.Keep;
        var current = sriov.NumVfs;

        if (current != desired && !mayChange)
        {
            context.Error(
                DiagnosticCodes.UnownedInTheWay,
                $"{target.Label} has {current} VFs the engine did not create; changing the count to {desired} would destroy them",
                "disable them first (echo 0 > sriov_numvfs), or set ownership: adopt or prune on this device entry",
                target,
                ".vfs.count");
            return;
        }

        var recreated = current != desired;
        if (recreated && current > 0)
        {
            context.Add(new PendingStep(
                StepPhase.Reset, target.Address, $"{target.Address}/vfs", StepAction.Update,
                new SetVfCount(pf.Address, current, 0), $"{current} VFs", "0 VFs", Disruption.DeviceReset,
                $"the kernel changes the VF count only through 0: the {current} VFs are destroyed and VMs using them lose them"));
        }

        if (recreated && desired > 0)
        {
            context.Add(new PendingStep(
                countPhase, target.Address, $"{target.Address}/vfs", StepAction.Update,
                new SetVfCount(pf.Address, 0, desired, target.Entry.Name, target.PfOrdinal, WithoutProbe: driver is not null), current > 0 ? "0 VFs" : $"{current} VFs", $"{desired} VFs", Disruption.None,
                "declared by the spec"));
        }
        else if (!recreated && desired > 0 && !owned && target.Entry.Ownership == OwnershipPolicy.Adopt)
        {
            context.Add(new PendingStep(
                StepPhase.Persist, target.Address, $"{target.Address}/vfs", StepAction.Update,
                new SetVfCount(pf.Address, current, desired, target.Entry.Name, target.PfOrdinal), $"{current} VFs (not owned)", $"{desired} VFs (owned)", Disruption.None,
                "ownership: adopt takes over the existing VFs"));
        }

        if (driver is null)
        {
            return;
        }

        var firstOffset = pf.Capabilities.Sriov.FirstVfOffset;
        var stride = pf.Capabilities.Sriov.VfStride;
        for (var index = 0; index < desired; index++)
        {
            var vf = pf.Address.Offset(firstOffset + (index * stride));
            var currentDriver = recreated ? null : context.State.FindFunction(vf)?.Driver;
            if (currentDriver == driver)
            {
                continue;
            }

            if (!recreated && !owned && target.Entry.Ownership == OwnershipPolicy.Keep)
            {
                context.Error(
                    DiagnosticCodes.UnownedInTheWay,
                    $"VF {vf} of {target.Label} is bound to '{currentDriver ?? "no driver"}' and was not created by the engine",
                    "rebind it yourself, or set ownership: adopt on this device entry",
                    target,
                    ".vfs.driver");
                return;
            }

            context.Add(new PendingStep(
                StepPhase.Bind, target.Address, $"{target.Address}/vf/{index}", StepAction.Update,
                new BindVfDriver(vf, currentDriver, driver), currentDriver ?? (recreated ? "(driver chosen at probe)" : "(no driver)"), driver,
                currentDriver is null ? Disruption.None : Disruption.DeviceReset,
                $"VF {vf} is declared with driver {driver}"));
        }
    }

    /// <summary>SIOV and SR-IOV are exclusive on a PF: the VFs go first, when the engine made them or the entry prunes.</summary>
    internal static void DisableVfs(PlanContext context, SplitTarget target, PciFunction pf)
    {
        var owned = context.State.Ledger.OwnsVirtualFunctions(target.ParentName);
        if (!owned && target.Entry.Ownership != OwnershipPolicy.Prune)
        {
            context.Error(
                DiagnosticCodes.ModeConflict,
                $"{target.Label} has {pf.Sriov!.NumVfs} SR-IOV VFs enabled; SIOV and SR-IOV are exclusive on a PF and the engine did not create these VFs",
                "disable them (echo 0 > sriov_numvfs) or set ownership: prune on this device entry",
                target,
                ".mode");
            return;
        }

        context.ManagedVfPfs.Add(target.ParentName);
        context.Add(new PendingStep(
            StepPhase.Reset, target.Address, $"{target.Address}/vfs", StepAction.Update,
            new SetVfCount(pf.Address, pf.Sriov!.NumVfs, 0), $"{pf.Sriov.NumVfs} VFs", "0 VFs", Disruption.DeviceReset,
            "SIOV and SR-IOV are exclusive on a PF: the VFs are destroyed"));
    }
}
