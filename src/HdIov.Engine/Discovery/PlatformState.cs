using System.Collections.Immutable;

namespace HdIov.Engine.Discovery;

/// <summary>
/// The platform settings that take effect at boot or can be set at run time: the boot loader's configured
/// kernel arguments, BIOS settings exposed through the firmware-attributes class, hugepage pools, and the
/// CDI spec the engine writes for container attachments, and the udev rule through which mdevctl starts persisted
/// VDEVs at boot (null when mdevctl's rule is not installed).
/// </summary>
public sealed record PlatformState(
    string? GrubCommandLine,
    ImmutableArray<FirmwareAttribute> Firmware,
    bool FirmwarePendingReboot,
    ImmutableArray<HugepagePool> Hugepages,
    string? CdiSpec,
    MdevctlAutostart? MdevctlAutostart = null)
{
    public static PlatformState Empty { get; } = new(null, [], false, [], null);
}

/// <summary>One BIOS attribute of <c>/sys/class/firmware-attributes/&lt;driver&gt;/attributes/&lt;name&gt;</c>.</summary>
public sealed record FirmwareAttribute(string Driver, string Name, string CurrentValue, ImmutableArray<string> PossibleValues);

/// <summary>The persistent hugepages of one size on one NUMA node.</summary>
public sealed record HugepagePool(int Node, long SizeKiB, int Count);
