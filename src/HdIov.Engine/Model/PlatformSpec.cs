using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

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

/// <summary>
/// Vendor-neutral BIOS switches (<c>virtualization</c>, <c>vtd</c>, <c>sriov</c>, <c>x2apic</c>, <c>enqcmd</c>) and raw
/// vendor attributes; <see cref="Redfish"/> says where the BMC answers when the source is Redfish.
/// </summary>
public sealed record BiosSpec(
    BiosSource Source,
    ImmutableSortedDictionary<string, string> Settings,
    ImmutableSortedDictionary<string, string> Attributes,
    RedfishSpec? Redfish = null)
{
    /// <summary>
    /// Where each setting and attribute was written, by its key under <c>bios</c> (<c>settings.vtd</c>,
    /// <c>attributes.ProcX2Apic</c>), so planning errors point at the line; empty for specs not read from a file.
    /// </summary>
    public ImmutableDictionary<string, SourceLocation> Locations { get; init; } = ImmutableDictionary<string, SourceLocation>.Empty;
}

/// <summary>
/// The BMC's Redfish service: its base URL (https), the ComputerSystem id when the service has more than one, and how
/// to verify its TLS certificate (a CA certificate file to trust, or, explicitly, no verification). The account is
/// never part of a spec: it comes from the caller (a PowerShell credential, environment variables, Pulumi secrets).
/// </summary>
public sealed record RedfishSpec(Uri Endpoint, string? System = null, string? CaCertificate = null, bool Insecure = false);

public enum IommuMode
{
    Scalable,
    Legacy,
    Off,
}

public sealed record IommuSpec(IommuMode Mode, bool? Passthrough);

/// <summary>A hugepage pool; <see cref="SizeKiB"/> is the page size (2048 for 2Mi).</summary>
public sealed record HugepageSpec(long SizeKiB, int PerNode);
