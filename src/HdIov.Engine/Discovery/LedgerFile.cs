using System.Text.Json;
using System.Text.Json.Serialization;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>
/// The ownership ledger on disk: a snapshot (<c>ledger.json</c>) plus an append-only log of changes since it
/// (<c>ledger.log</c>, one JSON event per line), so recording one VDEV costs one short append however many the
/// host has. <see cref="Compact"/> folds the log into the snapshot at the end of an apply.
/// </summary>
public static class LedgerFile
{
    public const string LogPath = "/var/lib/hdiov/ledger.log";

    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static FoldedLedger? s_lastFold;

    /// <summary>
    /// The ledger on <paramref name="host"/>. The last fold is kept with the bytes it came from: a process that
    /// observes one host again and again (the provider's Diffs) parses its ledger once per change, not once per read.
    /// </summary>
    /// <exception cref="LedgerFormatException">The snapshot is not a ledger of a known version.</exception>
    public static OwnershipLedger Read(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var snapshot = host.TryReadBytes(OwnershipLedger.Path);
        var log = host.TryReadBytes(LogPath);
        var last = Volatile.Read(ref s_lastFold);
        if (last is not null && SameBytes(last.Snapshot, snapshot) && SameBytes(last.Log, log))
        {
            return last.Ledger;
        }

        var ledger = Fold(Text(snapshot), Text(log));
        Volatile.Write(ref s_lastFold, new FoldedLedger(snapshot, log, ledger));
        return ledger;
    }

    /// <summary>The snapshot with the log's changes applied in order.</summary>
    /// <exception cref="LedgerFormatException">The snapshot is not a ledger of a known version.</exception>
    public static OwnershipLedger Fold(string? snapshot, string? log)
    {
        if (snapshot is null && string.IsNullOrEmpty(log))
        {
            return OwnershipLedger.Empty;
        }

        var entries = snapshot is null ? [] : LedgerSerializer.Read(snapshot).Entries.ToList();
        foreach (var line in (log ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            LedgerEvent? change;
            try
            {
                change = JsonSerializer.Deserialize<LedgerEvent>(line, Options);
            }
            catch (JsonException)
            {
                // A torn last line from a crash mid-append: the write it described did not complete.
                continue;
            }

            if (change?.Entry is not { } entry)
            {
                continue;
            }

            entries.RemoveAll(e => SameObject(e, entry));
            if (change.Op == LedgerOperation.Add)
            {
                entries.Add(entry);
            }
        }

        return new OwnershipLedger([.. entries]);
    }

    public static void Add(IHost host, LedgerEntry entry) => Append(host, new LedgerEvent(LedgerOperation.Add, entry));

    public static void Remove(IHost host, LedgerEntry entry) => Append(host, new LedgerEvent(LedgerOperation.Remove, entry));

    /// <summary>Rewrites the snapshot from snapshot + log and empties the log.</summary>
    public static void Compact(IHost host)
    {
        if (!host.Exists(LogPath))
        {
            return;
        }

        var ledger = Read(host);
        host.WriteFile(OwnershipLedger.Path, LedgerSerializer.Write(ledger));
        host.DeleteFile(LogPath);
    }

    private static void Append(IHost host, LedgerEvent change) =>
        host.AppendFile(LogPath, JsonSerializer.Serialize(change, Options) + "\n");

    private static bool SameObject(LedgerEntry a, LedgerEntry b) =>
        a.Kind == b.Kind && a.Kind switch
        {
            LedgerEntryKind.Mdev => a.Uuid == b.Uuid,
            LedgerEntryKind.VmAttachment or LedgerEntryKind.ContainerAttachment => a.Uuid == b.Uuid && (a.Attachment?.SameTarget(b.Attachment) ?? b.Attachment is null),
            LedgerEntryKind.GuestIommu => a.Attachment?.SameTarget(b.Attachment) ?? b.Attachment is null,
            _ => a.Parent == b.Parent,
        };

    private enum LedgerOperation
    {
        Add,
        Remove,
    }

    private sealed record LedgerEvent(LedgerOperation Op, LedgerEntry Entry);

    private static bool SameBytes(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static string? Text(byte[]? bytes) => bytes is null ? null : HostText.Decode(bytes);

    private sealed record FoldedLedger(byte[]? Snapshot, byte[]? Log, OwnershipLedger Ledger);
}
