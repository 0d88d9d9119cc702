using System.Collections.Immutable;

namespace HdIov.Engine.Discovery;

/// <summary>What the engine created on this host, kept at <see cref="Path"/> under the host root.</summary>
public sealed record OwnershipLedger(ImmutableArray<LedgerEntry> Entries)
{
    public const string Path = "/var/lib/hdiov/ledger.json";

    public static OwnershipLedger Empty { get; } = new([]);

    public bool OwnsMdev(Guid uuid) => Entries.Any(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid == uuid);

    /// <summary>The last record of VFs the engine enabled on the PF, or null when it enabled none there.</summary>
    public LedgerEntry? FindVirtualFunctions(string pf) =>
        Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.VirtualFunctions && e.Parent == pf);

    /// <summary>True when the engine enabled the PF's VFs.</summary>
    public bool OwnsVirtualFunctions(string pf) => FindVirtualFunctions(pf) is not null;

    public LedgerEntry? FindMdev(Guid uuid) => Entries.FirstOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid == uuid);

    /// <summary>True for an owned mdev created on request rather than declared by a spec.</summary>
    public static bool IsImperative(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.Mdev && entry.Origin == VdevOrigin.Imperative;
    }

    /// <summary>What the PF held before the engine first changed its configuration or VFs, or null when it changed nothing there.</summary>
    public DeviceBaseline? FindBaseline(string pf) =>
        Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Baseline && e.Parent == pf)?.Baseline;

    /// <summary>True when the engine created the folder (it removes it again once it is empty).</summary>
    public bool CreatedFolder(string path) => Entries.Any(e => e.Kind == LedgerEntryKind.CreatedFolder && e.Parent == path);

    /// <summary>The QEMU arguments files the engine wrote, by path, in the order they were recorded.</summary>
    public IEnumerable<string> QemuArgumentsFiles =>
        Entries.Where(e => e.Kind == LedgerEntryKind.QemuArgumentsFile).Select(e => e.Parent).Distinct(StringComparer.Ordinal);

    /// <summary>The attachments the engine made (VM hostdevs and CDI devices), in the order they were recorded.</summary>
    public IEnumerable<LedgerEntry> Attachments =>
        Entries.Where(e => e.Kind is LedgerEntryKind.VmAttachment or LedgerEntryKind.ContainerAttachment && e.Attachment is not null);

    /// <summary>The guest vIOMMU parts the engine added to domains' definitions, one entry per domain.</summary>
    public IEnumerable<LedgerEntry> GuestIommus =>
        Entries.Where(e => e.Kind == LedgerEntryKind.GuestIommu && e.Attachment is { Uri: not null, Domain: not null } && e.GuestIommu is not null);
}

public enum LedgerEntryKind
{
    Mdev,
    VirtualFunctions,

    /// <summary>A VDEV or VF the engine added to a libvirt domain as a hostdev; <see cref="LedgerEntry.Attachment"/> says where.</summary>
    VmAttachment,

    /// <summary>A VDEV the engine published in its CDI spec for containers.</summary>
    ContainerAttachment,

    /// <summary>What a PF held before the engine first changed it (<see cref="LedgerEntry.Baseline"/>), so releasing it gives that back.</summary>
    Baseline,

    /// <summary>A folder the engine created (<see cref="LedgerEntry.Parent"/> is its path); it removes the folder once it is empty.</summary>
    CreatedFolder,

    /// <summary>
    /// Guest vIOMMU parts the engine added to a domain's definition (<c>vm.guestIommu: add</c>): <see cref="LedgerEntry.Attachment"/>
    /// names the domain, <see cref="LedgerEntry.GuestIommu"/> the parts and the VDEVs whose attachments asked for them.
    /// </summary>
    GuestIommu,

    /// <summary>A QEMU arguments file the engine wrote for a <c>qemu:</c> attachment (<see cref="LedgerEntry.Parent"/> is its path).</summary>
    QemuArgumentsFile,
}

/// <summary>How an owned VDEV comes back after a reboot.</summary>
public enum Persistence
{
    /// <summary>An mdevctl definition with <c>start: auto</c>; mdevctl's udev rule recreates it when the parent registers.</summary>
    Mdevctl,

    /// <summary>Our own record, for parents mdevctl cannot drive (non-numeric <c>available_instances</c>); the boot-time converge recreates it.</summary>
    HdIov,
}

/// <summary>
/// One owned object. <see cref="Uuid"/> and <see cref="VdevName"/> are set for mdevs; <see cref="Parent"/> is the
/// parent device name (a PCI address or a non-PCI name like <c>mtty</c>); <see cref="Count"/> is set for VFs.
/// <see cref="Origin"/> says how an mdev came to be; absent (ledgers written before it existed, and every declared
/// VDEV) means <see cref="VdevOrigin.Declarative"/>. For VFs, <see cref="Entry"/> and <see cref="PfOrdinal"/> name the
/// device entry that declared them and the PF's place in it (absent in ledgers written before they existed).
/// <see cref="Baseline"/> is set for <see cref="LedgerEntryKind.Baseline"/> entries.
/// </summary>
public sealed record LedgerEntry(
    LedgerEntryKind Kind,
    string Parent,
    Guid? Uuid = null,
    string? Type = null,
    string? VdevName = null,
    Persistence? Persistence = null,
    int? Count = null,
    string? Driver = null,
    DateTimeOffset? Recorded = null,
    VdevOrigin? Origin = null,
    AttachmentRecord? Attachment = null,
    string? Entry = null,
    int? PfOrdinal = null,
    DeviceBaseline? Baseline = null,
    GuestIommuRecord? GuestIommu = null);

/// <summary>
/// The guest vIOMMU parts the engine added to one domain's definition (<see cref="Added"/>, exactly those, so a release
/// takes out only them) and the VDEVs whose attachments ask for them (<see cref="Vdevs"/>, so a scoped release knows
/// when the last of them is gone).
/// </summary>
public sealed record GuestIommuRecord(IReadOnlyList<Attachments.GuestIommuPart> Added, IReadOnlyList<string> Vdevs);

/// <summary>
/// A PF as it was before the engine first changed it; each part is recorded at the first change of that part and never
/// overwritten. <see cref="ConfigFile"/>: the family's configuration file the engine rewrote; <see cref="VfCount"/>,
/// <see cref="DriversAutoprobe"/> and <see cref="VfDrivers"/>: the SR-IOV state before the engine changed the VF count or
/// rebound a VF.
/// </summary>
public sealed record DeviceBaseline(
    ConfigFileBaseline? ConfigFile = null,
    int? VfCount = null,
    string? DriversAutoprobe = null,
    IReadOnlyList<VfDriverBaseline>? VfDrivers = null);

/// <summary>A configuration file's path and its text before the engine first rewrote it; null text: the file did not exist.</summary>
public sealed record ConfigFileBaseline(string Path, string? Text);

/// <summary>A VF's driver and <c>driver_override</c> (null: none) before the engine first changed its PF's VFs.</summary>
public sealed record VfDriverBaseline(string Address, string? Driver, string? Override);

/// <summary>
/// Where an attachment entry hands its device: a VM (<see cref="Uri"/>, <see cref="Domain"/>, whether it was also
/// hot-plugged) or containers (both null); <see cref="PciAddress"/> for a VF. <see cref="Imperative"/> marks an
/// attachment made by Connect-HdIovVirtualDevice rather than by a spec: a declarative run leaves it alone (and warns)
/// until a spec declares the same device and target, which adopts it.
/// </summary>
public sealed record AttachmentRecord(string? Uri, string? Domain, bool Live, string? PciAddress, bool Imperative)
{
    /// <summary>True when both records name the same device slot on the same target, whoever made them.</summary>
    public bool SameTarget(AttachmentRecord? other) =>
        other is not null && Uri == other.Uri && Domain == other.Domain && PciAddress == other.PciAddress;
}
