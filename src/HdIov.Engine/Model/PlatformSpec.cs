using System.Collections.Immutable;

namespace HdIov.Engine.Model;

public sealed record PlatformSpec(
    BiosSpec? Bios,
    IommuSpec? Iommu,
    ImmutableArray<string> KernelArgs,
    ImmutableArray<HugepageSpec> Hugepages)
{
    public static PlatformSpec Empty { get; } = new(null, null, [], []);
}

public enum BiosSource
{
    None,
    Redfish,
    FirmwareAttributes,
}

/// <summary>Vendor-neutral BIOS switches (<c>virtualization</c>, <c>vtd</c>, <c>sriov</c>, <c>x2apic</c>) and raw vendor attributes.</summary>
public sealed record BiosSpec(
    BiosSource Source,
    ImmutableSortedDictionary<string, string> Settings,
    ImmutableSortedDictionary<string, string> Attributes);

public enum IommuMode
{
    Scalable,
    Legacy,
    Off,
}

public sealed record IommuSpec(IommuMode Mode, bool? Passthrough);

/// <summary>A hugepage pool; <see cref="SizeKiB"/> is the page size (2048 for 2Mi).</summary>
public sealed record HugepageSpec(long SizeKiB, int PerNode);
