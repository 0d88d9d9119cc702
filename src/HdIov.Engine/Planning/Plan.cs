using System.Collections.Immutable;
using System.Text.Json.Serialization;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Planning;

/// <summary>
/// The ordered steps that take a host from what was observed to what the spec declares. A plan is data: it
/// serialises to JSON and is refused at apply time when the host's fingerprint has changed since.
/// <see cref="HostName"/> is the host's identity, the name VDEV UUIDs derive from: the spec's <c>metadata.name</c> for a
/// spec's plan, the host's default name (<see cref="Discovery.HostNames"/>) or the one the front was given for a
/// request; never a path (a plan names no host root, so it can be reviewed on another machine).
/// </summary>
public sealed record Plan(
    string HostName,
    string ObservedFingerprint,
    ImmutableArray<PlanStep> Steps,
    ImmutableArray<Diagnostic> Warnings)
{
    /// <summary>Changes already made that take effect only at the next boot (kernel arguments, BIOS settings).</summary>
    public ImmutableArray<string> PendingReboot { get; init; } = [];

    /// <summary>
    /// What the observation the plan was made on read; the apply re-observes the same scope to check the fingerprint.
    /// Not part of the JSON form: a plan read back from JSON is checked against the whole host.
    /// </summary>
    [JsonIgnore]
    public Discovery.ObservationScope Observation { get; init; } = Discovery.ObservationScope.WholeHost;

    public bool IsEmpty => Steps.IsEmpty;

    public Disruption HighestDisruption => Steps.IsEmpty ? Disruption.None : Steps.Max(s => s.Disruption);
}
