using System.Globalization;
using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>
/// How many more virtual devices a PF can take: one row per mdev type (<c>available_instances</c>, a count or the
/// driver's word), and one row for SR-IOV (enabled and total VFs).
/// </summary>
public sealed class DeviceCapacityInfo
{
    /// <summary>The literal <see cref="Kind"/> of the SR-IOV row.</summary>
    public const string SriovKind = "sriov";

    /// <summary>The literal <see cref="Kind"/> of an mdev type row.</summary>
    public const string MdevKind = "mdev";

    /// <summary><c>mdev</c> or <c>sriov</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The mdev type id, or <c>vf</c> for the SR-IOV row.</summary>
    public required string Type { get; init; }

    /// <summary>What is left as the kernel prints it: a count, or a word some out-of-tree drivers print; for VFs, the VFs not yet enabled.</summary>
    public required string Available { get; init; }

    /// <summary><see cref="Available"/> as a number; empty when the driver prints a word.</summary>
    public required int? AvailableCount { get; init; }

    /// <summary>Live VDEVs of this type, or enabled VFs.</summary>
    public required int InUse { get; init; }

    /// <summary><c>sriov_totalvfs</c> for the SR-IOV row; empty for mdev types, whose total the kernel does not print.</summary>
    public required int? Total { get; init; }

    public static DeviceCapacityInfo From(MdevType type) => new()
    {
        Kind = MdevKind,
        Type = type.Id,
        Available = type.Available.Raw,
        AvailableCount = type.Available.Count,
        InUse = type.Devices.Length,
        Total = null,
    };

    public static DeviceCapacityInfo FromVfs(int totalVfs, int numVfs) => new()
    {
        Kind = SriovKind,
        Type = "vf",
        Available = (totalVfs - numVfs).ToString(CultureInfo.InvariantCulture),
        AvailableCount = totalVfs - numVfs,
        InUse = numVfs,
        Total = totalVfs,
    };

    public override string ToString() =>
        Kind == SriovKind
            ? string.Create(CultureInfo.InvariantCulture, $"{InUse}/{Total} VFs")
            : string.Create(CultureInfo.InvariantCulture, $"{Type} {InUse} used, {Available} free");
}
