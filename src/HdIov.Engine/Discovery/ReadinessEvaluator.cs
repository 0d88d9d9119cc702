using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Discovery;

/// <summary>
/// "Why is this not usable": judges an observed host for Scalable IOV, from firmware (VT-d units) through the kernel
/// command line to each device, and says what still works without it. Pure: it reads only the state it is given
/// (its <see cref="HostState.Findings"/> are ignored).
/// </summary>
public static class ReadinessEvaluator
{
    private const string SiovCommandLine = "intel_iommu=on,sm_on";

    public static ImmutableArray<ReadinessFinding> Evaluate(HostState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var findings = ImmutableArray.CreateBuilder<ReadinessFinding>();
        var settings = IntelIommuSettings.From(state.CommandLine, state.KernelOptions);
        CheckUnitsPresent(state, settings, findings);
        CheckCommandLine(state, settings, findings);
        CheckScalableMode(state, findings);
        CheckPasid(state, findings);
        CheckConsistency(state, findings);
        CheckCpu(state.Cpu, findings);
        foreach (var family in Families.DeviceFamilies.All)
        {
            family.AddReadiness(state, findings);
        }

        CheckMdevctlAutostart(state.Platform.MdevctlAutostart, findings);
        ReportWhatWorks(state, findings);
        return findings.ToImmutable();
    }

    private static void CheckUnitsPresent(HostState state, IntelIommuSettings settings, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        if (state.IommuUnits.Length > 0)
        {
            findings.Add(Ok(DiagnosticCodes.ReadinessIommuOff, "VT-d", $"{state.IommuUnits.Length} VT-d remapping units are active ({Names(state.IommuUnits)})"));
            return;
        }

        if (settings.Enabled == false)
        {
            findings.Add(Blocker(
                DiagnosticCodes.ReadinessIommuOff,
                "kernel command line",
                "the kernel command line turns the Intel IOMMU off (intel_iommu=off), so no device can be assigned through VFIO",
                $"remove intel_iommu=off and boot with {SiovCommandLine}"));
        }
        else if (state.Dmar is { } dmar)
        {
            findings.Add(Blocker(
                DiagnosticCodes.ReadinessIommuOff,
                "kernel command line",
                $"the firmware describes VT-d (DMAR table with {dmar.HardwareUnits.Length} remapping units) but the kernel did not enable it: /sys/class/iommu has no dmar units",
                $"boot with {SiovCommandLine} (this kernel's default leaves the Intel IOMMU off)"));
        }
        else
        {
            findings.Add(Blocker(
                DiagnosticCodes.ReadinessIommuOff,
                "BIOS",
                "no VT-d remapping units: /sys/class/iommu has no dmar units and the firmware has no DMAR table",
                $"enable VT-d (Intel VT for Directed I/O) in the BIOS setup, then boot with {SiovCommandLine}"));
        }
    }

    private static void CheckCommandLine(HostState state, IntelIommuSettings settings, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        var unknown = state.CommandLine.UnknownIntelIommuOptions;
        if (unknown.Contains("sm=on"))
        {
            findings.Add(Warning(
                DiagnosticCodes.ReadinessCmdline,
                "kernel command line",
                "intel_iommu=...,sm=on is not a kernel option: the kernel logs 'DMAR: Unknown option' and ignores it, so scalable mode is left to the kernel's build default",
                $"write {SiovCommandLine} (sm_on with an underscore)"));
        }

        foreach (var option in unknown.Where(o => o != "sm=on").Distinct(StringComparer.Ordinal))
        {
            findings.Add(Warning(
                DiagnosticCodes.ReadinessCmdline,
                "kernel command line",
                $"intel_iommu option '{option}' is not one the kernel knows; it is ignored",
                "remove it; the known options are on, off, igfx_off, forcedac, strict, sp_off, sm_on, sm_off, tboot_noforce"));
        }

        switch (settings.ScalableMode)
        {
            case true:
                findings.Add(Ok(DiagnosticCodes.ReadinessScalableModeOff, "kernel command line", state.CommandLine.HasIntelIommuOption("sm_on")
                    ? "the kernel is asked for scalable mode (intel_iommu=sm_on)"
                    : $"the kernel enables scalable mode by default ({state.KernelOptions.Source})"));
                break;
            case false:
                findings.Add(Blocker(
                    DiagnosticCodes.ReadinessScalableModeOff,
                    "kernel command line",
                    state.CommandLine.HasIntelIommuOption("sm_off")
                        ? "intel_iommu=sm_off forbids scalable mode, so no PASID-tagged device (QAT vQAT, E810 VDEVs, DSA/IAA work queues) can work"
                        : $"the kernel leaves scalable mode off unless asked (CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON is not set in {state.KernelOptions.Source}) and the command line does not ask",
                    $"boot with {SiovCommandLine}"));
                break;
            default:
                findings.Add(Warning(
                    DiagnosticCodes.ReadinessScalableModeOff,
                    "kernel command line",
                    "the command line does not ask for scalable mode and the kernel's build default (CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON) could not be read from /boot, so scalable mode may be off",
                    $"boot with {SiovCommandLine} to be sure"));
                break;
        }
    }

    private static void CheckScalableMode(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        var lacking = state.IommuUnits.Where(u => !u.Ecap.ScalableMode).ToList();
        if (lacking.Count == 0)
        {
            if (state.IommuUnits.Length > 0)
            {
                findings.Add(Ok(DiagnosticCodes.ReadinessScalableModeOff, "VT-d", "every VT-d unit supports scalable mode (ECAP.SMTS=1)"));
            }

            return;
        }

        findings.Add(Blocker(
            DiagnosticCodes.ReadinessScalableModeOff,
            "VT-d",
            $"{Names(lacking)} report no scalable-mode translation (ECAP.SMTS=0, ecap {Ecaps(lacking)}); Scalable IOV needs it on every unit",
            "use a platform whose VT-d supports scalable mode (4th-gen Xeon / Sapphire Rapids or newer) and enable VT-d fully in the BIOS; SR-IOV and generic mdevs still work"));
    }

    private static void CheckPasid(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        var lacking = state.IommuUnits.Where(u => !u.Ecap.Pasid).ToList();
        if (lacking.Count == 0)
        {
            if (state.IommuUnits.Length > 0)
            {
                var widths = string.Join(", ", state.IommuUnits.Select(u => u.Ecap.PasidWidth).Distinct());
                findings.Add(Ok(DiagnosticCodes.ReadinessPasidMissing, "VT-d", $"every VT-d unit supports PASID (ECAP.PASID=1, {widths}-bit PASIDs)"));
            }

            return;
        }

        var siovParents = state.MdevParents.Where(MdevTypeKinds.NeedsPasid).Select(p => p.Name).ToList();
        var affected = siovParents.Count > 0
            ? $" The Scalable IOV parents {string.Join(", ", siovParents)} cannot get PASIDs for their VDEVs."
            : " Scalable IOV backends (QAT vQAT, E810 VDEVs, DSA/IAA shared work queues) cannot get PASIDs.";
        var smts = lacking.All(u => u.Ecap.ScalableMode) ? "ECAP.SMTS=1 (scalable mode is there) but " : string.Empty;
        findings.Add(Blocker(
            DiagnosticCodes.ReadinessPasidMissing,
            "VT-d",
            $"{Names(lacking)} report {smts}ECAP.PASID=0 (ecap {Ecaps(lacking)}; PSS={lacking[0].Ecap.PasidSizeSupported}, i.e. {lacking[0].Ecap.PasidWidth}-bit PASIDs if it were enabled), so the kernel's pasid_supported() is false." + affected
            + " Sapphire Rapids servers with this ecap (3ee9e86f050df, also PRS=0 and ERS=0) have been seen whose DSA driver logs 'Unable to turn on user SVA feature.'",
            "enable the BIOS options that expose PASID to the IOMMU (on Intel reference BIOSes 'PCIe ENQCMD/ENQCMDS', PcieEnqCmdSupport, next to the VT-d options; OEM names differ), update the BIOS, reboot, and check that bit 40 of /sys/class/iommu/dmar*/intel-iommu/ecap is set; SR-IOV and generic mdevs still work meanwhile"));
    }

    private static void CheckConsistency(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        var differing = new List<string>();
        void Compare<T>(string name, Func<IommuUnit, T> feature)
        {
            if (state.IommuUnits.Select(feature).Distinct().Skip(1).Any())
            {
                differing.Add(name);
            }
        }

        Compare("smts", u => u.Ecap.ScalableMode);
        Compare("pasid", u => u.Ecap.Pasid);
        Compare("prs", u => u.Ecap.PageRequest);
        Compare("ers", u => u.Ecap.ExecuteRequest);
        Compare("pss", u => u.Ecap.PasidSizeSupported);
        Compare("nest", u => u.Ecap.Nested);
        if (differing.Count == 0)
        {
            return;
        }

        var detail = string.Join("; ", state.IommuUnits.Select(u => $"{u.Name} ecap {u.Ecap.Raw:x}"));
        findings.Add(Warning(
            DiagnosticCodes.ReadinessInconsistentUnits,
            "VT-d",
            $"the VT-d units differ in {string.Join(", ", differing)} (the kernel logs 'DMAR: IOMMU feature <name> inconsistent' and uses the weakest unit): {detail}",
            "set the same VT-d and PCIe options for every socket and stack in the BIOS and update the firmware"));
    }

    private static void CheckCpu(CpuInfo cpu, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        if (cpu.Vendor.Length == 0)
        {
            return;
        }

        if (cpu.Vendor != "GenuineIntel")
        {
            findings.Add(Warning(
                DiagnosticCodes.ReadinessCpuVirtualization,
                "CPU",
                $"the CPU vendor is {cpu.Vendor}; Intel Scalable IOV needs an Intel platform with VT-d",
                "run Scalable IOV on a 4th-gen Xeon (Sapphire Rapids) or newer"));
            return;
        }

        if (!cpu.Vmx)
        {
            findings.Add(Warning(
                DiagnosticCodes.ReadinessCpuVirtualization,
                "CPU",
                "CPUID does not report VMX: VT-x is off in the BIOS, or this is a guest without nested virtualization, so no VM can use the VDEVs",
                "enable Intel Virtualization Technology (VT-x) in the BIOS; containers can still use VDEVs through VFIO"));
        }

        if (!cpu.Enqcmd)
        {
            findings.Add(Warning(
                DiagnosticCodes.ReadinessEnqcmd,
                "CPU",
                $"CPUID.7.0:ECX bit 29 (ENQCMD) is clear on {Describe(cpu)}; shared work queues (DSA/IAA SWQ) need it",
                "use a Sapphire Rapids or newer CPU; dedicated work queues, QAT vQAT and E810 VDEVs do not need ENQCMD"));
        }
        else
        {
            findings.Add(Ok(DiagnosticCodes.ReadinessEnqcmd, "CPU", $"{Describe(cpu)} supports ENQCMD and MOVDIR64B={(cpu.Movdir64b ? "yes" : "no")}"));
        }
    }

    private static void CheckMdevctlAutostart(MdevctlAutostart? autostart, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        if (autostart is not { CommandExists: false })
        {
            return;
        }

        var executable = autostart.Command[(autostart.Command.LastIndexOf('/') + 1)..];
        findings.Add(Warning(
            DiagnosticCodes.ReadinessMdevctlAutostart,
            autostart.RulePath,
            $"mdevctl's udev rule runs {autostart.Command}, which does not exist, so VDEVs persisted as mdevctl definitions do not come back when their parent registers after a reboot",
            $"override the rule with the executable's real path: sed 's|{autostart.Command}|/usr/bin/{executable}|g' {autostart.RulePath} > {Host.KernelPaths.MdevctlUdevRules[0]} (where mdevctl is installed there), or converge again after each boot"));
    }

    private static void ReportWhatWorks(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        foreach (var parent in state.MdevParents.Where(p => !MdevTypeKinds.NeedsPasid(p)))
        {
            findings.Add(Ok(
                DiagnosticCodes.ReadinessAvailable,
                parent.Name,
                $"generic mdev parent offers {string.Join(", ", parent.Types.Select(t => $"{t.Id} ({t.Available})"))}; generic mediated devices do not need PASID"));
        }

        var sriov = state.Functions.Where(f => f.Sriov is { TotalVfs: > 0 }).OrderBy(f => f.Address).ToList();
        if (sriov.Count > 0)
        {
            findings.Add(Ok(
                DiagnosticCodes.ReadinessAvailable,
                "SR-IOV",
                $"SR-IOV is available on {string.Join(", ", sriov.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Address} ({f.Sriov!.TotalVfs} VFs)")))}"));
        }
    }

    private static string Describe(CpuInfo cpu) =>
        cpu.ModelName.Length > 0 ? $"{cpu.ModelName} ({cpu.Platform})" : cpu.Platform;

    private static string Names(IEnumerable<IommuUnit> units) => string.Join(", ", units.Select(u => u.Name));

    private static string Ecaps(IEnumerable<IommuUnit> units) =>
        string.Join("/", units.Select(u => u.Ecap.Raw.ToString("x", CultureInfo.InvariantCulture)).Distinct());

    private static ReadinessFinding Ok(string code, string subject, string message) => new(code, ReadinessLevel.Ok, subject, message, string.Empty);

    private static ReadinessFinding Warning(string code, string subject, string message, string fix) => new(code, ReadinessLevel.Warning, subject, message, fix);

    private static ReadinessFinding Blocker(string code, string subject, string message, string fix) => new(code, ReadinessLevel.Blocker, subject, message, fix);
}
