using System.Collections.Immutable;

namespace HdIov.Engine.Discovery;

/// <summary>
/// The platform settings that take effect at boot or can be set at run time: the boot loader and the kernel
/// arguments it is configured to boot with (null when the host has no boot loader the engine can configure), BIOS settings exposed through the firmware-attributes class, hugepage pools, and the
/// CDI spec the engine writes for container attachments, and the udev rule through which mdevctl starts persisted
/// VDEVs at boot (null when mdevctl's rule is not installed).
/// </summary>
public sealed record PlatformState(
    string? BootCommandLine,
    ImmutableArray<FirmwareAttribute> Firmware,
    bool FirmwarePendingReboot,
    ImmutableArray<HugepagePool> Hugepages,
    string? CdiSpec,
    MdevctlAutostart? MdevctlAutostart = null)
{
    public static PlatformState Empty { get; } = new(null, [], false, [], null);

    /// <summary>Which boot loader <see cref="BootCommandLine"/> was read from and the engine changes it through.</summary>
    public Platform.BootLoaders.BootLoaderKind BootLoader { get; init; }

    /// <summary>The BIOS as the host's BMC reports it over Redfish, when a spec with <c>source: redfish</c> was observed with a BMC connection.</summary>
    public Platform.Redfish.RedfishBiosSnapshot? Redfish { get; init; }
}

/// <summary>One BIOS attribute of <c>/sys/class/firmware-attributes/&lt;driver&gt;/attributes/&lt;name&gt;</c>.</summary>
public sealed record FirmwareAttribute(string Driver, string Name, string CurrentValue, ImmutableArray<string> PossibleValues);

/// <summary>The persistent hugepages of one size on one NUMA node.</summary>
public sealed record HugepagePool(int Node, long SizeKiB, int Count);
