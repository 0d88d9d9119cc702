using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.GenericMdev;

/// <summary>Any mdev parent or SR-IOV PF, driven only through the kernel's generic ABI: the spec's VDEV keys are the parent's type ids.</summary>
internal sealed class GenericMdevFamily : IDeviceFamily
{
    public string Name => "Generic";

    public bool VdevsUsePasid => false;

    public ImmutableArray<string> Tokens => [];

    public ImmutableArray<string> Services => [];

    public ImmutableArray<SpecTypeKey> SpecTypeKeys => [];

    public bool Claims(PciFunction function) => true;

    public bool OffersType(string typeId) => false;

    public string ExportPrefix(string? driver) => driver is not null && Model.Names.IsValid(driver) ? driver : "pci";

    public string SpecKeyOf(string typeId) => typeId;

    public ImmutableArray<string> ExportServices(HostState state, PciFunction pf, IReadOnlyList<MdevDevice> mdevs) => [];

    public bool IsConfiguredForVdevs(HostState state, PciFunction function) => false;

    public void Plan(PlanContext context, SplitTarget target) => GenericMdevPlanner.Plan(context, target);

    public void CheckPlan(PlanContext context, IReadOnlyList<SplitTarget> targets)
    {
    }

    public void AddReadiness(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
    }

    public void CheckCreate(HostState state, MdevParent parent, PciFunction? function, List<Diagnostic> problems)
    {
    }

    public MdevType? ResolveType(MdevParent parent, PciFunction? function, string requested, List<Diagnostic> problems) =>
        SiovRules.ExactType(parent, requested, problems);

    /// <summary>The request's capacity check; the declarative one is <see cref="GenericMdevPlanner"/>'s.</summary>
    public CreateCapacity CheckCapacity(HostState state, MdevParent parent, PciFunction? function, MdevType type, int creates) =>
        SiovRules.CountedCapacity(parent, type, creates);

    public string NoParentHint(PciFunction? function) =>
        function is null
            ? "load the driver that registers this mdev parent; Get-HdIovHost lists the registered parents"
            : $"load a driver for it that supports mediated devices{(function.Driver is { } driver ? $" (bound now: {driver})" : string.Empty)}";

    public bool TypeMissingByConfiguration(HostState state, PciFunction function, string typeId) => false;
}
