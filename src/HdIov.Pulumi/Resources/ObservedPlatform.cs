using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Platform;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// The platform section that describes a host as it is configured, for importing a Platform: the boot loader's
/// arguments (IOMMU mode and passthrough apart, the rest as <c>kernelArgs</c>), the persistent hugepage pools and the
/// firmware attributes with their current values. Planning it against the same host gives no steps.
/// </summary>
internal static class ObservedPlatform
{
    private const int MaxAttributeValueLength = 1024;

    public static PlatformSpec Of(HostState state)
    {
        var arguments = (state.Platform.BootCommandLine ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // The engine merges an argument into the line by its key (text before '='), so a key written twice cannot be
        // declared without changing the line; such arguments stay out, as do ones the spec rules refuse.
        var keyed = arguments.GroupBy(GrubDefaults.KeyOf, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.Single()).ToHashSet(StringComparer.Ordinal);
        var iommu = IommuOf(arguments);
        var kernelArgs = arguments
            .Where(a => keyed.Contains(a) && KernelArguments.Problem(a) is null)
            .Where(a => iommu is null || (GrubDefaults.KeyOf(a) is not "intel_iommu" and not "iommu"))
            .ToImmutableArray();

        var hugepages = state.Platform.Hugepages
            .GroupBy(p => p.SizeKiB)
            .Where(g => g.Key is 2048 or 1024 * 1024 && g.Max(p => p.Count) > 0)
            .OrderBy(g => g.Key)
            .Select(g => new HugepageSpec(g.Key, g.Max(p => p.Count)))
            .ToImmutableArray();

        var attributes = state.Platform.Firmware
            .Where(a => a.CurrentValue.Length <= MaxAttributeValueLength && !a.CurrentValue.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
            .GroupBy(a => a.Name, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => g.First().CurrentValue, StringComparer.Ordinal);
        var bios = attributes.Count == 0
            ? null
            : new BiosSpec(BiosSource.FirmwareAttributes, ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal), attributes);

        return new PlatformSpec(bios, iommu, kernelArgs, hugepages);
    }

    /// <summary>The IOMMU mode the boot loader sets, when it sets one the spec can say.</summary>
    private static IommuSpec? IommuOf(string[] arguments)
    {
        var intel = arguments.Where(a => GrubDefaults.KeyOf(a) == "intel_iommu").ToList();
        var generic = arguments.Where(a => GrubDefaults.KeyOf(a) == "iommu").ToList();
        if (intel.Count != 1 || generic.Count > 1 || (generic.Count == 1 && generic[0] != "iommu=pt"))
        {
            return null;
        }

        IommuMode? mode = intel[0] switch
        {
            "intel_iommu=on,sm_on" => IommuMode.Scalable,
            "intel_iommu=on,sm_off" => IommuMode.Legacy,
            "intel_iommu=off" => IommuMode.Off,
            _ => null,
        };
        return mode is { } known ? new IommuSpec(known, generic.Count == 1 ? true : null) : null;
    }
}
