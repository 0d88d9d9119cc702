using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families;

/// <summary>The rules every PASID-based (SIOV) family shares: the platform must permit SIOV and the PF must not run SR-IOV VFs.</summary>
internal static class SiovRules
{
    /// <summary>Adds why a request cannot create VDEVs on the parent; false when the platform itself does not permit SIOV.</summary>
    public static bool CheckCreate(HostState state, MdevParent parent, PciFunction? function, List<Diagnostic> problems)
    {
        if (SiovPlatform.Blocker(state) is { } blocker)
        {
            problems.Add(RequestError(blocker.Code, $"{parent.Name}: SIOV cannot run: {blocker.Message}", blocker.Hint, "Parent"));
            return false;
        }

        if (function?.Sriov is { NumVfs: > 0 } sriov)
        {
            problems.Add(RequestError(
                DiagnosticCodes.ModeConflict,
                string.Create(CultureInfo.InvariantCulture, $"{parent.Name} has {sriov.NumVfs} SR-IOV VFs enabled; SIOV and SR-IOV are exclusive on a PF"),
                "disable the VFs first (a spec with mode: siov for this PF does it), then create the VDEVs",
                "Parent"));
        }

        return true;
    }

    /// <summary>The type's <c>available_instances</c> decides, when it prints a count.</summary>
    public static CreateCapacity CountedCapacity(MdevParent parent, MdevType type, int creates, string more = "")
    {
        if (type.Available.Count is not { } available)
        {
            return CreateCapacity.Unknown(
                $"{parent.Name}: capacity of {type.Id} cannot be checked before applying (available_instances prints '{type.Available.Raw}')",
                "the kernel's answer during apply decides; ask for fewer if creation fails");
        }

        return creates <= available
            ? CreateCapacity.Fits
            : CreateCapacity.Exceeded(
                string.Create(CultureInfo.InvariantCulture, $"{parent.Name}: {creates} {type.Id} VDEVs are asked for but the parent has {available} available instances of that type"),
                string.Create(CultureInfo.InvariantCulture, $"ask for at most {available}, or free instances with Remove-HdIovVirtualDevice{more}"));
    }

    public static MdevType? ExactType(MdevParent parent, string requested, List<Diagnostic> problems)
    {
        if (parent.FindType(requested) is { } exact)
        {
            return exact;
        }

        problems.Add(RequestError(
            DiagnosticCodes.TypeNotOffered,
            $"{parent.Name} does not offer mdev type '{Spec.SpecText.Show(requested)}'",
            $"use one of: {string.Join(", ", parent.Types.Select(t => t.Id))}",
            "Type"));
        return null;
    }

    public static Diagnostic RequestError(string code, string message, string hint, string key) =>
        new(code, DiagnosticSeverity.Error, message, hint, null, key);

    public static ReadinessFinding Ok(string subject, string message) =>
        new(DiagnosticCodes.ReadinessDriver, ReadinessLevel.Ok, subject, message, string.Empty);

    public static ReadinessFinding Warning(string code, string subject, string message, string fix) =>
        new(code, ReadinessLevel.Warning, subject, message, fix);

    /// <summary>The out-of-tree drivers' mdev path needs the IOMMU aux-domain API, which kernels after 5.15 lack.</summary>
    public static string AuxDomainNote(HostState state) =>
        KernelVersionAbove(state.Kernel.Release, 5, 15)
            ? $"; note that the out-of-tree drivers' mdev path needs the IOMMU aux-domain API, which kernels after 5.15 lack (this host runs {state.Kernel.Release})"
            : string.Empty;

    private static bool KernelVersionAbove(string release, int major, int minor)
    {
        var parts = release.Split('.', '-');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var releaseMajor)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var releaseMinor)
            && (releaseMajor, releaseMinor).CompareTo((major, minor)) > 0;
    }
}
