using System.Text.Json;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution;

/// <summary>An append-only record of every step started, finished or failed, for audits and post-mortems.</summary>
internal sealed class ApplyJournal(IHost host, Plan plan)
{
    private readonly string _applyId = $"{host.Now:yyyyMMddTHHmmssfffZ}-{Environment.ProcessId}";

    public void Record(PlanStep? step, string @event, string? detail = null)
    {
        var line = JsonSerializer.Serialize(
            new JournalLine(host.Now, _applyId, plan.ObservedFingerprint, step?.Id, step?.Address, step?.Description, @event, detail),
            LedgerFile.Options);
        host.AppendFile(KernelPaths.Journal, line + "\n");
    }

    private sealed record JournalLine(
        DateTimeOffset Time,
        string Apply,
        string Plan,
        int? Step,
        string? Address,
        string? Operation,
        string Event,
        string? Detail);
}
