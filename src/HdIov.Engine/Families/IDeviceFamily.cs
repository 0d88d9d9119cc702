using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families;

/// <summary>
/// Everything the engine knows about one device family: which PFs it claims, its spec keys and mdev types, the plan
/// for a device entry, the create check the declarative and the imperative planners share, its readiness findings,
/// the hardware drift it explains and the name its exported entries get. Nothing outside <c>Families/&lt;F&gt;/</c>
/// names a family's device ids, drivers, mdev types or configuration keys; the engine asks the family.
/// </summary>
internal interface IDeviceFamily
{
    /// <summary>The name users see (<c>Get-HdIovDevice -Family</c>, the inventory's Family column).</summary>
    string Name { get; }

    /// <summary>Names that belong to this family alone (device ids, drivers, mdev type fragments, configuration keys).</summary>
    ImmutableArray<string> Tokens { get; }

    /// <summary>The services a device entry may enable (<c>services:</c>); empty for families without services.</summary>
    ImmutableArray<string> Services { get; }

    /// <summary>The VDEV keys a device entry of this family declares, with what each one gives.</summary>
    ImmutableArray<SpecTypeKey> SpecTypeKeys { get; }

    /// <summary>
    /// True when the family's VDEVs are Scalable IOV interfaces that the guest's driver reaches by PASID (shared work
    /// queues, SVM): a VM receiving them needs a virtual IOMMU in scalable mode.
    /// </summary>
    bool VdevsUsePasid { get; }

    /// <summary>Reads the family's configuration files, if it has any; problems with them become findings.</summary>
    FamilyConfiguration? ReadConfiguration(SysfsReader sysfs, List<ReadinessFinding> problems) => null;

    /// <summary>The family's configuration made again from the files it read (a state that crossed a transport).</summary>
    FamilyConfiguration? ConfigurationOf(IEnumerable<(string Path, string Text)> files) => null;

    /// <summary>True when this family drives the PF.</summary>
    bool Claims(PciFunction function);

    /// <summary>True when the mdev type is one this family's driver registers.</summary>
    bool OffersType(string typeId);

    /// <summary>The prefix of a device entry's name in an exported spec.</summary>
    string ExportPrefix(string? driver);

    /// <summary>The VDEV key an exported device entry uses for the mdev type.</summary>
    string SpecKeyOf(string typeId);

    /// <summary>The services an exported device entry declares for the PF (empty for families without services).</summary>
    ImmutableArray<string> ExportServices(HostState state, PciFunction pf, IReadOnlyList<MdevDevice> mdevs);

    /// <summary>True when the PF is configured for VDEVs even while it has none (the inventory reports it as <c>siov</c>).</summary>
    bool IsConfiguredForVdevs(HostState state, PciFunction function);

    /// <summary>Plans one device entry's PF (or parent): its mode, configuration, VDEVs and VFs.</summary>
    void Plan(PlanContext context, SplitTarget target);

    /// <summary>Runs after every entry is planned: limits shared by several PFs (an adapter's budget).</summary>
    void CheckPlan(PlanContext context, IReadOnlyList<SplitTarget> targets);

    /// <summary>The readiness findings for the family's PFs.</summary>
    void AddReadiness(HostState state, ImmutableArray<ReadinessFinding>.Builder findings);

    /// <summary>Why VDEVs cannot be created on <paramref name="parent"/> now (imperative requests), as errors keyed by the request field.</summary>
    void CheckCreate(HostState state, MdevParent parent, PciFunction? function, List<Diagnostic> problems);

    /// <summary>The mdev type a request's type (a spec key or a type id) names on the parent; null with an error when none.</summary>
    MdevType? ResolveType(MdevParent parent, PciFunction? function, string requested, List<Diagnostic> problems);

    /// <summary>Whether <paramref name="creates"/> more VDEVs of <paramref name="type"/> fit, for a request.</summary>
    CreateCapacity CheckCapacity(HostState state, MdevParent parent, PciFunction? function, MdevType type, int creates);

    /// <summary>The fix for a PF of this family that is not an mdev parent.</summary>
    string NoParentHint(PciFunction? function);

    /// <summary>True when a type the ledger records is missing because of the PF's configuration, not its hardware.</summary>
    bool TypeMissingByConfiguration(HostState state, PciFunction function, string typeId);

    /// <summary>
    /// Plans giving a released PF its configuration file back as the ledger recorded it before the engine first rewrote it
    /// (steps in <paramref name="group"/>). Only a family whose configuration step names a file records one. False when
    /// the give-back has to wait (the ledger then keeps the record for a later plan).
    /// </summary>
    bool PlanRelease(PlanContext context, PciFunction pf, ConfigFileBaseline file, string group) => true;
}
