using System.Collections.Frozen;
using System.Collections.Immutable;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Families.Idxd;

/// <summary>
/// Intel DSA and IAA (the idxd driver) with Intel's VDCM: once a device's work queues are configured for mdev use
/// (<c>accel-config config-wq --type=mdev</c>), the PF registers one mdev type per work-queue kind,
/// <c>idxd-dsa-1swq-v1</c> (a share of a shared work queue) and <c>idxd-dsa-1dwq-v1</c> (a dedicated work queue), and
/// <c>idxd-iax-…</c> for IAA. Every VDEV is PASID-tagged, so the device needs PASID and the IOMMU scalable mode with
/// PASID (the driver otherwise logs "Unable to turn on user SVA feature" and leaves <c>pasid_enabled</c> at 0).
/// </summary>
internal static class IdxdWorkQueues
{
    public const string Driver = "idxd";

    public const ushort DsaDeviceId = 0x0b25;

    public const ushort IaaDeviceId = 0x0cfe;

    public static readonly FrozenSet<ushort> PfDeviceIds = new[] { DsaDeviceId, IaaDeviceId }.ToFrozenSet();

    /// <summary>The spec's VDEV keys: the engine (<c>dsa</c>, <c>iax</c>) and the work-queue kind.</summary>
    public static readonly ImmutableArray<(string Key, string Engine, string Kind, string Description)> Keys =
    [
        ("dsa-swq", "dsa", "1swq", "DSA VDEV on a shared work queue"),
        ("dsa-dwq", "dsa", "1dwq", "DSA VDEV with a dedicated work queue"),
        ("iax-swq", "iax", "1swq", "IAA VDEV on a shared work queue"),
        ("iax-dwq", "iax", "1dwq", "IAA VDEV with a dedicated work queue"),
    ];

    /// <summary>The engine a PF runs: <c>dsa</c> or <c>iax</c> (the kernel's name for IAA).</summary>
    public static string EngineOf(ushort deviceId) => deviceId == IaaDeviceId ? "iax" : "dsa";

    /// <summary>The kernel's mdev type id for a spec key, e.g. <c>dsa-swq</c> gives <c>idxd-dsa-1swq-v1</c>.</summary>
    public static string? TypeIdOf(string key) =>
        Keys.FirstOrDefault(k => k.Key == key) is { Key: not null } found ? TypeId(found.Engine, found.Kind) : null;

    public static string TypeId(string engine, string kind) => $"{Driver}-{engine}-{kind}-v1";

    /// <summary>The spec key of a type id, or null for a type that is not idxd's.</summary>
    public static string? KeyOf(string typeId) =>
        Keys.FirstOrDefault(k => TypeId(k.Engine, k.Kind) == typeId) is { Key: not null } found ? found.Key : null;

    /// <summary>How to configure a work queue of the PF for mdev use as the key's kind.</summary>
    public static string ConfigureHint(PciFunction pf, string? key = null)
    {
        var engine = EngineOf(pf.DeviceId);
        var mode = key is not null && key.EndsWith("-dwq", StringComparison.Ordinal) ? "dedicated" : "shared";
        return $"configure a work queue of {pf.Address} for mdev use and enable it: accel-config config-wq --group-id=0 --mode={mode} --type=mdev --name=vdcm {engine}<N>/wq<N>.0 && accel-config enable-device {engine}<N> && accel-config enable-wq {engine}<N>/wq<N>.0 (ls /sys/bus/pci/devices/{pf.Address}/ names the device); the idxd driver then registers the mdev type";
    }
}
