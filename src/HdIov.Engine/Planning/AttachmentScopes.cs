using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Planning;

/// <summary>Words for attachment steps: where a change lands and what a ledger record stands for.</summary>
public static class AttachmentScopes
{
    public static string Describe(DomainChangeScope scope) => scope switch
    {
        DomainChangeScope.Config | DomainChangeScope.Live => "hot-plug and persistent definition",
        DomainChangeScope.Live => "hot-plug only; already in the persistent definition",
        DomainChangeScope.Config => "persistent definition only",
        _ => "nothing to change",
    };

    public static string Label(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var device = entry.VdevName ?? entry.Uuid?.ToString("D") ?? entry.Attachment?.PciAddress ?? entry.Parent;
        return entry.Attachment is { Domain: { } domain, Uri: { } uri }
            ? $"{device} attached to VM {domain} ({uri})"
            : $"{device} published to containers (CDI)";
    }

    /// <summary>The ledger record of a device attached to a VM.</summary>
    public static LedgerEntry VmEntry(string uri, string domain, VmDevice device, bool live, bool imperative, DateTimeOffset? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new LedgerEntry(
            LedgerEntryKind.VmAttachment,
            device.Parent,
            device.Uuid,
            VdevName: device.VdevName,
            Recorded: recorded,
            Attachment: new AttachmentRecord(uri, domain, live, device.PciAddress?.ToString(), imperative));
    }

    /// <summary>The ledger record of a VDEV published to containers.</summary>
    public static LedgerEntry ContainerEntry(VmDevice device, bool imperative, DateTimeOffset? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new LedgerEntry(
            LedgerEntryKind.ContainerAttachment,
            device.Parent,
            device.Uuid,
            VdevName: device.VdevName,
            Recorded: recorded,
            Attachment: new AttachmentRecord(null, null, false, device.PciAddress?.ToString(), imperative));
    }
}
