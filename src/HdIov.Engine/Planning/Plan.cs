using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Planning;

/// <summary>
/// The ordered steps that take a host from what was observed to what the spec declares. A plan is data: it
/// serialises to JSON and is refused at apply time when the host's fingerprint has changed since.
/// </summary>
public sealed record Plan(
    string HostName,
    string ObservedFingerprint,
    ImmutableArray<PlanStep> Steps,
    ImmutableArray<Diagnostic> Warnings)
{
    /// <summary>Changes already made that take effect only at the next boot (kernel arguments, BIOS settings).</summary>
    public ImmutableArray<string> PendingReboot { get; init; } = [];

    public bool IsEmpty => Steps.IsEmpty;

    public Disruption HighestDisruption => Steps.IsEmpty ? Disruption.None : Steps.Max(s => s.Disruption);
}
