using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Idxd;

/// <summary>Intel DSA and IAA (idxd): VDEVs on work queues configured for mdev use (Intel's idxd VDCM).</summary>
internal sealed class IdxdFamily : IDeviceFamily
{
    private const ushort IntelVendorId = 0x8086;

    public string Name => "Idxd";

    public bool VdevsUsePasid => true;

    public ImmutableArray<string> Tokens { get; } = ["idxd", "1swq", "1dwq", "0x0b25", "0x0cfe", "accel-config"];

    public ImmutableArray<string> Services => [];

    public ImmutableArray<SpecTypeKey> SpecTypeKeys { get; } =
        [.. IdxdWorkQueues.Keys.Select(k => new SpecTypeKey("Idxd", k.Key, $"{k.Description} (mdev type {IdxdWorkQueues.TypeId(k.Engine, k.Kind)})"))];

    public bool Claims(PciFunction function) => function.VendorId == IntelVendorId && IdxdWorkQueues.PfDeviceIds.Contains(function.DeviceId);

    public bool OffersType(string typeId) => IdxdWorkQueues.KeyOf(typeId) is not null;

    public string ExportPrefix(string? driver) => "accel";

    public string SpecKeyOf(string typeId) => IdxdWorkQueues.KeyOf(typeId) ?? typeId;

    public ImmutableArray<string> ExportServices(HostState state, PciFunction pf, IReadOnlyList<MdevDevice> mdevs) => [];

    public bool IsConfiguredForVdevs(HostState state, PciFunction function) => false;

    public void Plan(PlanContext context, SplitTarget target) => IdxdPlanner.Plan(context, target);

    public void CheckPlan(PlanContext context, IReadOnlyList<SplitTarget> targets)
    {
    }

    public void AddReadiness(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        var platform = SiovPlatform.Blocker(state);
        foreach (var pf in state.Functions.Where(f => !f.IsVirtualFunction && Claims(f)).OrderBy(f => f.Address))
        {
            var subject = pf.Address.ToString();
            var engine = IdxdWorkQueues.EngineOf(pf.DeviceId);
            if (state.FindParent(subject) is { } parent)
            {
                findings.Add(SiovRules.Ok(subject, $"{engine} device registered with the mdev core; types {string.Join(", ", parent.Types.Select(t => $"{t.Id} ({t.Available})"))}"));
            }
            else if (pf.Capabilities.Pasid is null)
            {
                findings.Add(SiovRules.Warning(
                    DiagnosticCodes.ReadinessSiovIncapable,
                    subject,
                    $"{engine} device: PASID is not enabled on the device (its config space has no PASID capability), so its work queues cannot be split",
                    "enable PASID for the device in the BIOS (PCIe ENQCMD/ENQCMDS) or update the firmware; the device still works for the host's own kernel users"));
            }
            else if (platform is not null)
            {
                findings.Add(SiovRules.Warning(
                    DiagnosticCodes.ReadinessSiovIncapable,
                    subject,
                    $"{engine} device: the idxd driver cannot turn on PASID (\"Unable to turn on user SVA feature\", pasid_enabled 0): {platform.Value.Message}",
                    platform.Value.Hint));
            }
            else if (pf.Driver != IdxdWorkQueues.Driver)
            {
                findings.Add(SiovRules.Warning(
                    DiagnosticCodes.ReadinessDriver,
                    subject,
                    $"{engine} device is not bound to the {IdxdWorkQueues.Driver} driver (bound driver: {pf.Driver ?? "none"})",
                    $"load the {IdxdWorkQueues.Driver} driver with Intel's VDCM (mdev) support"));
            }
            else
            {
                findings.Add(SiovRules.Warning(
                    DiagnosticCodes.ReadinessDriver,
                    subject,
                    $"{engine} device offers no mdev type: no work queue is configured for mdev use{SiovRules.AuxDomainNote(state)}",
                    IdxdWorkQueues.ConfigureHint(pf)));
            }
        }
    }

    public void CheckCreate(HostState state, MdevParent parent, PciFunction? function, List<Diagnostic> problems) =>
        _ = SiovRules.CheckCreate(state, parent, function, problems);

    public MdevType? ResolveType(MdevParent parent, PciFunction? function, string requested, List<Diagnostic> problems) =>
        IdxdWorkQueues.TypeIdOf(requested) is { } typeId && parent.FindType(typeId) is { } byKey
            ? byKey
            : SiovRules.ExactType(parent, requested, problems);

    public CreateCapacity CheckCapacity(HostState state, MdevParent parent, PciFunction? function, MdevType type, int creates) =>
        SiovRules.CountedCapacity(parent, type, creates);

    public string NoParentHint(PciFunction? function) =>
        function is null ? "configure a work queue for mdev use with accel-config" : IdxdWorkQueues.ConfigureHint(function);

    public bool TypeMissingByConfiguration(HostState state, PciFunction function, string typeId) => false;
}
