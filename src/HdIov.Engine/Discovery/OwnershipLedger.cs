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

    /// <summary>The attachments the engine made (VM hostdevs and CDI devices), in the order they were recorded.</summary>
    public IEnumerable<LedgerEntry> Attachments =>
        Entries.Where(e => e.Kind is LedgerEntryKind.VmAttachment or LedgerEntryKind.ContainerAttachment && e.Attachment is not null);
}

public enum LedgerEntryKind
{
    Mdev,
    VirtualFunctions,

    /// <summary>A VDEV or VF the engine added to a libvirt domain as a hostdev; <see cref="LedgerEntry.Attachment"/> says where.</summary>
    VmAttachment,

    /// <summary>A VDEV the engine published in its CDI spec for containers.</summary>
    ContainerAttachment,
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
    int? PfOrdinal = null);

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
