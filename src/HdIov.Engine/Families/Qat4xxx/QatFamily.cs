using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>Intel QAT 4xxx (QAT 2.0) PFs: SIOV ADIs configured through the out-of-tree driver's config files.</summary>
internal sealed class QatFamily : IDeviceFamily
{
    private const ushort IntelVendorId = 0x8086;

    private static readonly FrozenSet<ushort> PfDeviceIds = new ushort[] { 0x4940, 0x4942, 0x4944, 0x4946 }.ToFrozenSet();

    public const string FamilyName = "Qat4xxx";

    public string Name => FamilyName;

    public bool VdevsUsePasid => true;

    public ImmutableArray<string> Tokens { get; } =
        ["vqat", "NumberAdis", "ServicesEnabled", "4xxx_dev", "qat_dev", "adf_ctl", "0x4940", "0x4942", "0x4944", "0x4946", "QatSiovBackend"];

    public ImmutableArray<string> Services => QatSiovBackend.Services;

    public ImmutableArray<SpecTypeKey> SpecTypeKeys { get; } =
        [.. QatSiovBackend.Services.Select(s => new SpecTypeKey("Qat4xxx", s, $"QAT {s} service VDEV (spec vocabulary; mdev type {QatSiovBackend.TypeId("4xxx", s)})"))];

    public bool Claims(PciFunction function) => function.VendorId == IntelVendorId && PfDeviceIds.Contains(function.DeviceId);

    public bool OffersType(string typeId) => QatSiovBackend.ServiceOf(typeId) is not null;

    public string ExportPrefix(string? driver) => "qat";

    public string SpecKeyOf(string typeId) => QatSiovBackend.ServiceOf(typeId) ?? typeId;

    public ImmutableArray<string> ExportServices(HostState state, PciFunction pf, IReadOnlyList<MdevDevice> mdevs)
    {
        // The services the PF's config enables (so applying the export does not restart it), plus any type that has VDEVs.
        var services = ConfigOf(state, pf).Config?.Services.ToList() ?? [];
        foreach (var key in mdevs.Select(m => SpecKeyOf(m.Type)).Distinct().Order(StringComparer.Ordinal))
        {
            if (!services.Contains(key))
            {
                services.Add(key);
            }
        }

        return [.. services];
    }

    public bool IsConfiguredForVdevs(HostState state, PciFunction function) => ConfigOf(state, function).Config is { NumberAdis: > 0 };

    public void Plan(PlanContext context, SplitTarget target) => QatPlanner.Plan(context, target);

    public void CheckPlan(PlanContext context, IReadOnlyList<SplitTarget> targets)
    {
    }

    public void AddReadiness(HostState state, ImmutableArray<ReadinessFinding>.Builder findings)
    {
        foreach (var pf in DeviceFamilies.PhysicalFunctions(state, this))
        {
            var subject = pf.Address.ToString();
            if (state.FindParent(subject) is { } parent)
            {
                findings.Add(SiovRules.Ok(subject, $"QAT PF registered with the mdev core; types {string.Join(", ", parent.Types.Select(t => $"{t.Id} ({t.Available})"))}"));
                continue;
            }

            var config = ConfigOf(state, pf).Config;
            var (reason, fix) = pf switch
            {
                { Driver: null } => ("no driver is bound", "load the QAT driver (Intel's out-of-tree QAT20.L package for Scalable IOV)"),
                { Sriov.NumVfs: > 0 } => (
                    string.Create(CultureInfo.InvariantCulture, $"SR-IOV is on ({pf.Sriov!.NumVfs} VFs) and the driver deactivates its ADI types while VFs exist"),
                    "set the PF to mode: siov (the engine disables the VFs first), or keep mode: sriov"),
                _ when Devices(state).IsEmpty => (
                    $"driver {pf.Driver} is bound but no /etc/4xxx_dev<N>.conf exists: the out-of-tree QAT driver (QAT20.L, built with --enable-icp-sriov=host) is not installed, and the in-tree qat_4xxx driver does SR-IOV only",
                    "install Intel's QAT20.L package for Scalable IOV; SR-IOV (mode: sriov) works with the in-tree driver"),
                _ when config is { NumberAdis: 0 } => (
                    $"[SIOV] NumberAdis is 0 in {config.Path}, which means SR-IOV mode",
                    "declare the PF with mode: siov (the engine sets NumberAdis and restarts qat_service)"),
                _ => (
                    $"driver {pf.Driver} did not register the PF with the mdev core{SiovRules.AuxDomainNote(state)}",
                    "check dmesg for the QAT driver's Scalable IOV messages and restart qat_service"),
            };
            findings.Add(SiovRules.Warning(DiagnosticCodes.ReadinessDriver, subject, $"QAT PF offers no vQAT types: {reason}", fix));
        }
    }

    public void CheckCreate(HostState state, MdevParent parent, PciFunction? function, List<Diagnostic> problems) =>
        _ = SiovRules.CheckCreate(state, parent, function, problems);

    public MdevType? ResolveType(MdevParent parent, PciFunction? function, string requested, List<Diagnostic> problems)
    {
        if (parent.FindType(requested) is { } exact)
        {
            return exact;
        }

        if (!QatSiovBackend.Services.Contains(requested))
        {
            return SiovRules.ExactType(parent, requested, problems);
        }

        var driver = parent.Driver ?? function?.Driver ?? "4xxx";
        if (parent.FindType(QatSiovBackend.TypeId(driver, requested)) is { } service)
        {
            return service;
        }

        problems.Add(SiovRules.RequestError(
            DiagnosticCodes.TypeNotOffered,
            $"{parent.Name} does not run the QAT {requested} service (its VDEV types: {string.Join(", ", parent.Types.Select(t => t.Id))})",
            $"enable the service: declare the PF with mode: siov and services including {requested} in a spec and run Set-HdIovHostState (it restarts the device)",
            "Type"));
        return null;
    }

    public CreateCapacity CheckCapacity(HostState state, MdevParent parent, PciFunction? function, MdevType type, int creates) =>
        SiovRules.CountedCapacity(parent, type, creates, "; a spec that declares more VDEVs of this service raises the PF's NumberAdis");

    public string NoParentHint(PciFunction? function) =>
        "the PF runs no SIOV service: declare it with mode: siov and the services you need in a spec and run Set-HdIovHostState (it writes the QAT configuration and restarts the device)";

    /// <summary>
    /// A QAT type disappears when the PF's configuration no longer enables its service, or while VFs are enabled; that is a
    /// configuration change the plan reports (and fixes), not a hardware one.
    /// </summary>
    public bool TypeMissingByConfiguration(HostState state, PciFunction function, string typeId)
    {
        if (function.Sriov is { NumVfs: > 0 })
        {
            return true;
        }

        var config = ConfigOf(state, function).Config;
        var service = QatSiovBackend.ServiceOf(typeId);
        return config is null || config.NumberAdis == 0 || service is null || !config.Services.Contains(service);
    }

    public bool PlanRelease(PlanContext context, PciFunction pf, ConfigFileBaseline file, string group) => QatPlanner.PlanRelease(context, pf, file, group);

    /// <summary>
    /// The PF's <c>/etc/4xxx_devN.conf</c>: the out-of-tree driver numbers its devices in probe order, which for the
    /// on-die PFs is address order. Index is -1 for a function that is not a QAT PF.
    /// </summary>
    public static (int Index, QatDeviceConfig? Config) ConfigOf(HostState state, PciFunction function)
    {
        var index = DeviceFamilies.PhysicalFunctions(state, Instance).FindIndex(f => f.Address == function.Address);
        return (index, index < 0 ? null : Devices(state).FirstOrDefault(c => c.Index == index));
    }

    public FamilyConfiguration ReadConfiguration(SysfsReader sysfs, List<ReadinessFinding> problems) => QatConfigurations.Read(sysfs, problems);

    public FamilyConfiguration ConfigurationOf(IEnumerable<(string Path, string Text)> files) => QatConfigurations.Parse(files, []);

    private static ImmutableArray<QatDeviceConfig> Devices(HostState state) => state.Configurations.Find<QatConfigurations>()?.Devices ?? [];

    private static QatFamily Instance => DeviceFamilies.All.OfType<QatFamily>().First();
}
