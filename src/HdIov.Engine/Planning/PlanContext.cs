using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>What the planners of one plan share: the inputs, the problems found, the steps so far, and what is claimed.</summary>
internal sealed class PlanContext(HostSpec spec, HostState state)
{
    public HostSpec Spec { get; } = spec;

    public HostState State { get; } = state;

    public List<Diagnostic> Problems { get; } = [];

    public List<Diagnostic> Warnings { get; } = [];

    public List<PendingStep> Steps { get; } = [];

    /// <summary>Every (parent, UUID) the spec wants to exist after the plan.</summary>
    public HashSet<(string Parent, Guid Uuid)> DesiredMdevs { get; } = [];

    /// <summary>UUIDs removed by this plan, so the global cleanup does not remove them twice.</summary>
    public HashSet<Guid> RemovedMdevs { get; } = [];

    /// <summary>PFs whose VF count this plan manages.</summary>
    public HashSet<string> ManagedVfPfs { get; } = new(StringComparer.Ordinal);

    public void Error(string code, string message, string hint, SplitTarget target, string? keySuffix = null) =>
        Problems.Add(new Diagnostic(code, DiagnosticSeverity.Error, message, hint, target.Entry.Location, target.KeyPath + keySuffix));

    public void Warn(string code, string message, string hint, SplitTarget target) =>
        Warnings.Add(new Diagnostic(code, DiagnosticSeverity.Warning, message, hint, target.Entry.Location, target.KeyPath));

    public void Add(PendingStep step) => Steps.Add(step);
}
