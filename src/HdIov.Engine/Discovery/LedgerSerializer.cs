using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HdIov.Engine.Discovery;

/// <summary>
/// The one on-disk format of the ownership ledger, shared by the executor (which writes it) and discovery (which
/// reads it): <c>{ "version": 1, "entries": [ ... ] }</c> with camelCase names, enums as strings and null members left out.
/// </summary>
public static class LedgerSerializer
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Write(OwnershipLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return JsonSerializer.Serialize(new LedgerDocument(CurrentVersion, ledger.Entries), Options) + "\n";
    }

    /// <summary>Reads a ledger; anything that is not a ledger of a known version is a <see cref="LedgerFormatException"/>.</summary>
    public static OwnershipLedger Read(string json)
    {
        LedgerDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<LedgerDocument>(json, Options);
        }
        catch (JsonException error)
        {
            var where = error.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}") : string.Empty;
            throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} is not valid{where}: {error.Message}", error);
        }

        if (document is null)
        {
            throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} is empty (null)");
        }

        if (document.Version != CurrentVersion)
        {
            throw new LedgerFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"the ownership ledger {OwnershipLedger.Path} has version {document.Version}; this engine reads version {CurrentVersion}"));
        }

        var entries = document.Entries.IsDefault ? [] : document.Entries;
        foreach (var entry in entries)
        {
            if (entry is null || string.IsNullOrEmpty(entry.Parent))
            {
                throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} has an entry without a parent");
            }

            if (entry.Kind == LedgerEntryKind.Mdev && entry.Uuid is null)
            {
                throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} has an mdev entry under {entry.Parent} without a uuid");
            }

            if (entry.Kind is LedgerEntryKind.VmAttachment or LedgerEntryKind.ContainerAttachment
                && (entry.Attachment is null || (entry.Uuid is null && entry.Attachment.PciAddress is null)))
            {
                throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} has an attachment entry under {entry.Parent} without its device or target");
            }

            if (entry.Kind == LedgerEntryKind.GuestIommu && (entry.Attachment is not { Uri: not null, Domain: not null } || entry.GuestIommu is null))
            {
                throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} has a guest vIOMMU entry under {entry.Parent} without its domain or parts");
            }

            if (entry.Kind == LedgerEntryKind.QemuArgumentsFile && Attachments.QemuArgumentsFile.PathProblem(entry.Parent) is { } problem)
            {
                throw new LedgerFormatException($"the ownership ledger {OwnershipLedger.Path} records the QEMU arguments file '{Host.HostPath.Printable(entry.Parent)}', which is no such file ({problem})");
            }
        }

        return new OwnershipLedger(entries);
    }

    private sealed record LedgerDocument(int Version, ImmutableArray<LedgerEntry> Entries);
}
