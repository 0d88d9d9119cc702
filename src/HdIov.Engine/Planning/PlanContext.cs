using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>What the planners of one plan share: the inputs, the problems found, the steps so far, and what is claimed.</summary>
internal sealed class PlanContext(HostSpec spec, HostState state, PlanScope scope)
{
    private readonly Dictionary<Guid, LedgerEntry> _ownedMdevs = state.Ledger.Entries
        .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid is not null)
        .GroupBy(e => e.Uuid!.Value)
        .ToDictionary(g => g.Key, g => g.Last());

    private readonly Dictionary<(string Parent, string Name), LedgerEntry> _ownedByName = state.Ledger.Entries
        .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid is not null && e.VdevName is not null)
        .GroupBy(e => (e.Parent, e.VdevName!))
        .ToDictionary(g => g.Key, g => g.Last());

    private readonly Dictionary<Guid, MdevctlDefinition> _definitions = state.MdevctlDefinitions
        .GroupBy(d => d.Uuid)
        .ToDictionary(g => g.Key, g => g.First());

    public HostSpec Spec { get; } = spec;

    public HostState State { get; } = state;

    public PlanScope Scope { get; } = scope;

    /// <summary>The PFs and parents the spec's device entries select, whatever their mode.</summary>
    public HashSet<string> SelectedParents { get; } = new(StringComparer.Ordinal);

    public List<Diagnostic> Problems { get; } = [];

    public List<Diagnostic> Warnings { get; } = [];

    public List<PendingStep> Steps { get; } = [];

    /// <summary>UUIDs removed by this plan, so the global cleanup does not remove them twice.</summary>
    public HashSet<Guid> RemovedMdevs { get; } = [];

    /// <summary>PFs whose VF count this plan manages.</summary>
    public HashSet<string> ManagedVfPfs { get; } = new(StringComparer.Ordinal);

    /// <summary>Each VDEV the spec wants, by its name, with the parent and UUID planning gave it.</summary>
    public Dictionary<string, (string Parent, Guid Uuid)> DesiredByName { get; } = new(StringComparer.Ordinal);

    public List<string> PendingReboot { get; } = [];

    /// <summary>The device entry that chose each parent (PF address or parent name).</summary>
    public Dictionary<string, SplitTarget> TargetsByParent { get; } = new(StringComparer.Ordinal);

    /// <summary>True when this plan (or an earlier apply) sets intel_iommu=on,sm_on that the running kernel does not have yet.</summary>
    public bool ScalableModeAfterReboot { get; set; }

    /// <summary>True when this plan (or an earlier apply) enables VT-d in the firmware, which the next boot brings.</summary>
    public bool VtdAfterReboot { get; set; }

    /// <summary>
    /// True when the host has no VT-d unit now but the next boot brings them: VT-d enabled in the firmware, or a
    /// DMAR table the kernel ignored until the intel_iommu= arguments this plan sets.
    /// </summary>
    public bool IommuAfterReboot => ScalableModeAfterReboot && (VtdAfterReboot || State.Dmar is not null);

    /// <summary>
    /// The device entries whose VDEVs wait for a reboot, each with what the reboot brings (scalable mode); their
    /// attachments wait with them instead of failing to resolve (<see cref="RebootDeferral"/>).
    /// </summary>
    public Dictionary<string, string> DeferredEntries { get; } = new(StringComparer.Ordinal);

    /// <summary>Live mdevs by UUID, built once per plan.</summary>
    public Dictionary<Guid, MdevDevice> LiveMdevs { get; } = state.Mdevs.GroupBy(m => m.Uuid).ToDictionary(g => g.Key, g => g.First());

    public bool Owns(Guid uuid) => _ownedMdevs.ContainsKey(uuid);

    public LedgerEntry? OwnedMdev(Guid uuid) => _ownedMdevs.GetValueOrDefault(uuid);

    public LedgerEntry? OwnedMdev(string parent, string vdevName) => _ownedByName.GetValueOrDefault((parent, vdevName));

    public MdevctlDefinition? Definition(Guid uuid) => _definitions.GetValueOrDefault(uuid);

    public void Error(string code, string message, string hint, SplitTarget target, string? keySuffix = null) =>
        Problems.Add(new Diagnostic(code, DiagnosticSeverity.Error, message, hint, target.Entry.Location, target.KeyPath + keySuffix));

    public void Warn(string code, string message, string hint, SplitTarget target) =>
        Warnings.Add(new Diagnostic(code, DiagnosticSeverity.Warning, message, hint, target.Entry.Location, target.KeyPath));

    /// <summary>A warning at the target's device entry, or at the document when no entry chose the parent.</summary>
    public void WarnAtEntryOrDocument(string code, string message, string hint, SplitTarget? target)
    {
        if (target is not null)
        {
            Warn(code, message, hint, target);
            return;
        }

        var location = Spec.SourceFile is { } file ? new SourceLocation(file, 1, 1) : null;
        Warnings.Add(new Diagnostic(code, DiagnosticSeverity.Warning, message, hint, location, "spec.devices"));
    }

    public void Add(PendingStep step) => Steps.Add(step);
}
