using System.Collections.Frozen;
using System.Globalization;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Families.E810;

/// <summary>
/// E810 with the out-of-tree ice driver: each SIOV-capable port registers one mdev type <c>ice-vdcm</c>
/// whose <c>available_instances</c> prints <c>ivdcm</c>, not a count, so capacity comes from the adapter's
/// VDEV budget. mdevctl cannot start such devices (it parses the count), so the engine persists them itself.
/// </summary>
public static class IceSiovBackend
{
    public const string TypeId = "ice-vdcm";

    /// <summary>
    /// VDEVs per adapter, shared by its ports: the 758 VDEVs one E810 reached in the HD-IOV evaluation
    /// (the adapter's VSI budget less the PF and control VSIs).
    /// </summary>
    public const int AdapterBudget = 758;

    /// <summary>The driver enables SIOV only with a BAR0 of at least 128 MiB (and a PASID capability).</summary>
    public const ulong MinimumBar0Bytes = 128UL * 1024 * 1024;

    public static readonly FrozenSet<ushort> PfDeviceIds =
        new ushort[] { 0x1591, 0x1592, 0x1593, 0x1599, 0x159A, 0x159B }.ToFrozenSet();

    /// <summary>Why the port cannot do SIOV, or null when its hardware can.</summary>
    public static string? HardwareBlocker(PciFunction port)
    {
        var reasons = HardwareBlockers(port);
        return reasons.Count == 0 ? null : string.Join(" and ", reasons);
    }

    /// <summary>Each reason the port's hardware cannot do SIOV: no PASID capability, a BAR0 below 128 MiB.</summary>
    public static List<string> HardwareBlockers(PciFunction port)
    {
        var reasons = new List<string>();
        if (port.Capabilities.Pasid is null)
        {
            reasons.Add("its config space has no PASID capability");
        }

        var bar0 = port.BarSizes.IsDefaultOrEmpty ? 0 : port.BarSizes[0];
        if (bar0 < MinimumBar0Bytes)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"BAR0 is {bar0 >> 20} MiB, below the 128 MiB the ice driver requires"));
        }

        return reasons;
    }

    /// <summary>The ports of one adapter share its budget; they are the functions of one PCI device.</summary>
    public static string AdapterKey(PciFunction function) =>
        string.Create(CultureInfo.InvariantCulture, $"{function.Address.Domain:x4}:{function.Address.Bus:x2}:{function.Address.Device:x2}");
}
