using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>
/// What a rollout has done so far, so a killed rollout leaves a journal a resume can trust: the rollout's id, the
/// fleet, every host with the hash of its rendered spec, its status, time and error (<c>Pending</c> until it
/// finishes), and the manual gate the rollout stopped at. The whole journal is written atomically when the rollout
/// starts, after every wave and at its end; in between, each finished host is one line appended (and flushed) to
/// <see cref="RecordsPath"/>, so a host costs the same however large the fleet. <see cref="Read"/> folds the records
/// newer than the journal's <see cref="Sequence"/> into it; a line cut short by a kill is ignored.
/// </summary>
public sealed record RolloutJournal(
    string RolloutId,
    string? ResumedFrom,
    string FleetName,
    string? FleetFile,
    string Holder,
    DateTimeOffset Started,
    DateTimeOffset Updated,
    string Outcome,
    int? HaltedAtWave,
    string? HaltReason,
    int GatesPassed,
    IReadOnlyList<RolloutJournalHost> Hosts,
    long Sequence = 0)
{
    /// <summary>The status of a host not finished yet, and the outcome of a rollout still running.</summary>
    public const string Pending = "Pending";

    public const string Running = "Running";

    /// <summary>The journal's JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RolloutJsonContext.Default.RolloutJournal);

    /// <summary>Where the host records of the journal at <paramref name="path"/> are appended: beside it, <c>.records</c> added.</summary>
    public static string RecordsPath(string path) => path + ".records";

    /// <summary>
    /// Writes the journal to <paramref name="path"/> atomically (a temporary file beside it, flushed, then renamed over
    /// it), then empties its records file, whose lines the journal now holds.
    /// </summary>
    public void Write(string path)
    {
        AtomicFile.Write(path, ToJson());
        var records = RecordsPath(path);
        if (File.Exists(records))
        {
            File.Delete(records);
        }
    }

    /// <summary>Reads a journal with its records; an unreadable or invalid one is HDIOV5012 naming the file.</summary>
    public static (RolloutJournal? Journal, Diagnostic? Refusal) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var journal = JsonSerializer.Deserialize(File.ReadAllText(path, Encoding.UTF8), RolloutJsonContext.Default.RolloutJournal);
            return journal is null ? (null, Invalid(path, "it is empty")) : (journal.WithRecords(RecordsPath(path)), null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return (null, Invalid(path, exception is JsonException json ? $"it is not a rollout journal ({json.Message})" : $"it cannot be read ({exception.Message})"));
        }
    }

    /// <summary>The hosts as the records newer than this journal left them (the last record of a host wins).</summary>
    private RolloutJournal WithRecords(string recordsPath)
    {
        if (!File.Exists(recordsPath))
        {
            return this;
        }

        var hosts = Hosts.ToList();
        var index = hosts.Select((h, i) => (h.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var sequence = Sequence;
        foreach (var line in File.ReadLines(recordsPath, Encoding.UTF8))
        {
            RolloutJournalRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(line, RolloutRecordJsonContext.Default.RolloutJournalRecord);
            }
            catch (JsonException)
            {
                // The line a kill cut short; nothing was appended after it.
                break;
            }

            if (record is null || !string.Equals(record.RolloutId, RolloutId, StringComparison.Ordinal) || record.Sequence <= sequence)
            {
                continue;
            }

            sequence = record.Sequence;
            if (index.TryGetValue(record.Host.Name, out var at))
            {
                hosts[at] = record.Host;
            }
        }

        return this with { Hosts = hosts, Sequence = sequence };
    }

    private static Diagnostic Invalid(string path, string why) => new(
        FleetDiagnosticCodes.RolloutJournalInvalid,
        DiagnosticSeverity.Error,
        $"the rollout journal '{HostPath.Printable(path)}' cannot be resumed from: {why}",
        "pass the journal a rollout wrote (-JournalPath), or run the rollout without -Resume",
        new SourceLocation(path, 1, 1));
}

/// <summary>A host's result appended to a journal's records file: the rollout, its place in the rollout's order, the host.</summary>
public sealed record RolloutJournalRecord(string RolloutId, long Sequence, RolloutJournalHost Host)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>One line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RolloutRecordJsonContext.Default.RolloutJournalRecord);

    /// <summary>Appends the record as one line to <paramref name="recordsPath"/> and flushes it to disk before returning.</summary>
    public void Append(string recordsPath)
    {
        ArgumentNullException.ThrowIfNull(recordsPath);
        using var stream = new FileStream(recordsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Utf8.GetBytes(ToJson() + "\n"));
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>One host in a <see cref="RolloutJournal"/>.</summary>
public sealed record RolloutJournalHost(
    string Name,
    string Group,
    int Wave,
    string SpecHash,
    string Status,
    int Steps,
    int Reboots,
    bool PendingReboot,
    double DurationSeconds,
    DateTimeOffset? Finished,
    string? ErrorCode,
    string? Message)
{
    public static RolloutJournalHost From(HostRolloutResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.HostName, result.Group, result.Wave, result.SpecHash, result.Status.ToString(), result.StepsDone, result.Reboots, result.PendingReboot, Math.Round(result.Duration.TotalSeconds, 3), result.Finished, result.ErrorCode, result.Message);
    }

    /// <summary>Converged or unchanged under <paramref name="specHash"/>, nothing pending: a resume leaves the host alone.</summary>
    public bool IsDoneUnder(string specHash) =>
        string.Equals(SpecHash, specHash, StringComparison.Ordinal)
        && Status is nameof(HostRolloutStatus.Converged) or nameof(HostRolloutStatus.Unchanged)
        && !PendingReboot;
}

/// <summary>Writes a report file whole or not at all.</summary>
public static class AtomicFile
{
    public static void Write(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(content);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(RolloutJournal))]
internal sealed partial class RolloutJsonContext : JsonSerializerContext
{
}

/// <summary>The journal's contract on one line, for its records file.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    WriteIndented = false)]
[JsonSerializable(typeof(RolloutJournalRecord))]
internal sealed partial class RolloutRecordJsonContext : JsonSerializerContext
{
}
