using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Planning;

/// <summary>The platform conditions PASID-based SIOV backends need: every VT-d unit in scalable mode with PASID, and sm_on.</summary>
internal static class SiovPlatform
{
    /// <summary>
    /// True when the SIOV backend may plan the target now. Otherwise records why: an error, or a warning when the
    /// only thing missing is scalable mode that this plan's boot step turns on at the next reboot.
    /// </summary>
    public static bool Permits(PlanContext context, SplitTarget target, string backend)
    {
        var state = context.State;
        if (Blocker(state) is not { } blocker)
        {
            return true;
        }

        var noUnits = state.IommuUnits.IsDefaultOrEmpty;
        if (context.ScalableModeAfterReboot && blocker.Code == DiagnosticCodes.ScalableModeOff
            && (noUnits ? context.IommuAfterReboot : state.IommuUnits.All(u => u.Ecap.ScalableMode && u.Ecap.Pasid)))
        {
            var reboot = noUnits ? "the reboot that turns on VT-d and scalable mode" : "the reboot that turns on scalable mode";
            context.Warn(
                DiagnosticCodes.ScalableModeOff,
                $"{target.Label}: {backend} is planned after {reboot}",
                "reboot the host, then apply the spec again",
                target);
            RebootDeferral.Defer(context, target, $"{reboot} (intel_iommu=on,sm_on)");
        }
        else
        {
            context.Error(blocker.Code, $"{target.Label}: {backend} cannot run: {blocker.Message}", blocker.Hint, target, ".mode");
        }

        return false;
    }

    /// <summary>The first unmet condition as (code, message, fix), or null when the platform is ready.</summary>
    public static (string Code, string Message, string Hint)? Blocker(HostState state)
    {
        if (state.IommuUnits.IsDefaultOrEmpty)
        {
            return (DiagnosticCodes.ScalableModeOff,
                "no VT-d remapping unit is active on this host",
                "enable VT-d in the BIOS and boot with intel_iommu=on,sm_on");
        }

        var noSm = state.IommuUnits.FirstOrDefault(u => !u.Ecap.ScalableMode);
        if (noSm is not null)
        {
            return (DiagnosticCodes.ScalableModeOff,
                $"{noSm.Name} does not support scalable mode (ECAP {noSm.Ecap.Raw:x}: SMTS=0)",
                "SIOV needs a scalable-mode IOMMU (Sapphire Rapids or later); use mode: sriov on this platform");
        }

        var noPasid = state.IommuUnits.FirstOrDefault(u => !u.Ecap.Pasid);
        if (noPasid is not null)
        {
            return (DiagnosticCodes.PasidMissing,
                $"{noPasid.Name} reports scalable mode but no PASID support (ECAP {noPasid.Ecap.Raw:x}: SMTS=1, PASID=0, PRS={(noPasid.Ecap.PageRequest ? 1 : 0)})",
                "enable the BIOS options that expose PASID (e.g. PCIe ENQCMD/ENQCMDS, VT-d scalable features) or update the firmware; mode: sriov works without PASID");
        }

        if (state.CommandLine.HasIntelIommuOption("sm_off") || !state.CommandLine.HasIntelIommuOption("sm_on"))
        {
            return (DiagnosticCodes.ScalableModeOff,
                $"the kernel was not booted with intel_iommu=...,sm_on (cmdline: {state.CommandLine.Raw})",
                "add intel_iommu=on,sm_on to the kernel command line (note: sm=on is not a kernel option) and reboot");
        }

        return null;
    }
}
