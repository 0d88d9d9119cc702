using System.Collections.Immutable;

namespace HdIov.Engine.Discovery;

/// <summary>What the engine created on this host, kept at <see cref="Path"/> under the host root.</summary>
public sealed record OwnershipLedger(ImmutableArray<LedgerEntry> Entries)
{
    public const string Path = "/var/lib/hdiov/ledger.json";

    public static OwnershipLedger Empty { get; } = new([]);

    public bool OwnsMdev(Guid uuid) => Entries.Any(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid == uuid);

    public LedgerEntry? FindMdev(Guid uuid) => Entries.FirstOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid == uuid);

    /// <summary>True for an owned mdev created on request rather than declared by a spec.</summary>
    public static bool IsImperative(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.Mdev && entry.Origin == VdevOrigin.Imperative;
    }
}

public enum LedgerEntryKind
{
    Mdev,
    VirtualFunctions,
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
/// VDEV) means <see cref="VdevOrigin.Declarative"/>.
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
    VdevOrigin? Origin = null);
