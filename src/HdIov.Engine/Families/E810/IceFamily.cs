using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.E810;

/// <summary>Intel E810 ports: SIOV through the out-of-tree ice driver's <c>ice-vdcm</c> mdev type, or SR-IOV VFs.</summary>
internal sealed class IceFamily : IDeviceFamily
{
    private const ushort IntelVendorId = 0x8086;

    public string Name => "E810";

    public bool VdevsUsePasid => true;

    public ImmutableArray<string> Tokens { get; } =
        ["ice-vdcm", "ivdcm", "0x1591", "0x1592", "0x1593", "0x1599", "0x159A", "0x159B", "IceSiovBackend"];

    public ImmutableArray<string> Services => [];

    public ImmutableArray<SpecTypeKey> SpecTypeKeys { get; } = [new("E810", IceSiovBackend.TypeId, $"E810 VDEV ({IceSiovBackend.TypeId})")];

    public bool Claims(PciFunction function) => function.VendorId == IntelVendorId && IceSiovBackend.PfDeviceIds.Contains(function.DeviceId);

    public bool OffersType(string typeId) => typeId == IceSiovBackend.TypeId;

    public string ExportPrefix(string? driver) => "nic";

    public string SpecKeyOf(string typeId) => typeId;

    public ImmutableArray<string> ExportServices(HostState state, PciFunction pf, IReadOnlyList<MdevDevice> mdevs) => [];

    public bool IsConfiguredForVdevs(HostState state, PciFunction function) => false;

    public void Plan(PlanContext context, SplitTarget target) => IcePlanner.Plan(context, target);

    public void CheckPlan(PlanContext context, IReadOnlyList<SplitTarget> targets) => IcePlanner.CheckBudgets(context, targets);

    public void AddReadiness(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        foreach (var pf in state.Functions.Where(f => !f.IsVirtualFunction && Claims(f)))
        {
            var subject = pf.Address.ToString();
            var reasons = IceSiovBackend.HardwareBlockers(pf);
            if (reasons.Count > 0)
            {
                findings.Add(SiovRules.Warning(
                    DiagnosticCodes.ReadinessSiovIncapable,
                    subject,
                    $"E810 PF is not Scalable IOV capable: {string.Join(" and ", reasons)}",
                    "use an E810 whose NVM exposes PASID and a 128 MiB BAR0 (check the adapter's NVM and the NIC virtualization mode in the BIOS device settings); SR-IOV VFs still work"));
            }
            else if (state.FindParent(subject) is null)
            {
                findings.Add(SiovRules.Warning(
                    DiagnosticCodes.ReadinessDriver,
                    subject,
                    $"E810 PF is capable but offers no {IceSiovBackend.TypeId} type: the out-of-tree ice driver with Scalable IOV is not loaded (bound driver: {pf.Driver ?? "none"}){SiovRules.AuxDomainNote(state)}",
                    "install and load Intel's out-of-tree ice driver built with Scalable IOV support"));
            }
            else
            {
                findings.Add(SiovRules.Ok(subject, $"E810 PF registered with the mdev core ({IceSiovBackend.TypeId})"));
            }
        }
    }

    public void CheckCreate(HostState state, MdevParent parent, PciFunction? function, List<Diagnostic> problems)
    {
        if (SiovRules.CheckCreate(state, parent, function, problems) && function is not null && IceSiovBackend.HardwareBlocker(function) is { } hardware)
        {
            problems.Add(SiovRules.RequestError(DiagnosticCodes.BackendUnsupported, $"{parent.Name} cannot do SIOV: {hardware}", "check the NIC's NVM/firmware settings, or use SR-IOV on this port", "Parent"));
        }
    }

    public MdevType? ResolveType(MdevParent parent, PciFunction? function, string requested, List<Diagnostic> problems) =>
        SiovRules.ExactType(parent, requested, problems);

    /// <summary><c>available_instances</c> prints <c>ivdcm</c>, not a count: the adapter's budget decides.</summary>
    public CreateCapacity CheckCapacity(HostState state, MdevParent parent, PciFunction? function, MdevType type, int creates)
    {
        if (type.Available.Count is not null || function is null)
        {
            return SiovRules.CountedCapacity(parent, type, creates);
        }

        var budget = AdapterBudget.Of(state, function);
        return budget.Exceeded(creates) is { } exceeded
            ? CreateCapacity.Exceeded(
                string.Create(CultureInfo.InvariantCulture, $"{exceeded} ({budget.Live.Count} live, {creates} asked for), above its budget of {IceSiovBackend.AdapterBudget}"),
                string.Create(CultureInfo.InvariantCulture, $"ask for at most {Math.Max(0, IceSiovBackend.AdapterBudget - budget.Live.Count)}, or free instances with Remove-HdIovVirtualDevice"))
            : CreateCapacity.Fits;
    }

    public string NoParentHint(PciFunction? function) => "load Intel's out-of-tree ice driver with SIOV support";

    public bool TypeMissingByConfiguration(HostState state, PciFunction function, string typeId) => false;
}
