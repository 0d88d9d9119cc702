using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Hardware.Vtd;
using HdIov.Engine.Host;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class ReadinessEvaluatorTests
{
    private const ulong Cap = 0x19ed008c40780c66;
    private const ulong EcapPasidOff = 0x3ee9e86f050df;
    private const ulong EcapPasidOn = EcapPasidOff | (1UL << 40);

    private static readonly CpuInfo Spr = new("GenuineIntel", 6, 0x8F, 8, "Intel(R) Xeon(R) Gold 6448H", true, true, true, 2, 2);

    [Fact]
    public void Evaluate_NoUnitsNoDmar_BlocksWithBiosFix()
    {
        var finding = Single(State(units: []), DiagnosticCodes.ReadinessIommuOff);

        Assert.Equal(ReadinessLevel.Blocker, finding.Level);
        Assert.Contains("enable VT-d", finding.Fix, StringComparison.Ordinal);
        Assert.Contains("BIOS", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_IntelIommuOff_BlamesTheCommandLine()
    {
        var finding = Single(State(units: [], commandLine: "intel_iommu=off"), DiagnosticCodes.ReadinessIommuOff);

        Assert.Equal("kernel command line", finding.Subject);
        Assert.Contains("remove intel_iommu=off", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SmEqualsOn_WarnsItIsNotAnOptionAndGivesTheRightToken()
    {
        var findings = ReadinessEvaluator.Evaluate(State(commandLine: "intel_iommu=on,sm=on"));

        var cmdline = Assert.Single(findings, f => f.Code == DiagnosticCodes.ReadinessCmdline);
        Assert.Equal(ReadinessLevel.Warning, cmdline.Level);
        Assert.Contains("sm=on is not a kernel option", cmdline.Message, StringComparison.Ordinal);
        Assert.Equal("write intel_iommu=on,sm_on (sm_on with an underscore)", cmdline.Fix);
    }

    [Theory]
    [InlineData("intel_iommu=on,sm_on", null, ReadinessLevel.Ok)]
    [InlineData("intel_iommu=on", true, ReadinessLevel.Ok)]
    [InlineData("intel_iommu=on", false, ReadinessLevel.Blocker)]
    [InlineData("intel_iommu=on", null, ReadinessLevel.Warning)]
    [InlineData("intel_iommu=on,sm_on intel_iommu=sm_off", true, ReadinessLevel.Blocker)]
    public void Evaluate_ScalableModeOnCommandLine_FollowsKernelRules(string commandLine, bool? buildDefault, ReadinessLevel expected)
    {
        var state = State(commandLine: commandLine) with { KernelOptions = new KernelBuildOptions("/boot/config-test", true, buildDefault) };

        var finding = Assert.Single(ReadinessEvaluator.Evaluate(state), f => f.Code == DiagnosticCodes.ReadinessScalableModeOff && f.Subject == "kernel command line");

        Assert.Equal(expected, finding.Level);
    }

    [Fact]
    public void Evaluate_SprPasidOffCapture_BlocksWithEvidence()
    {
        var state = State(units: [Unit("dmar0", EcapPasidOff), Unit("dmar1", EcapPasidOff)]);

        var findings = ReadinessEvaluator.Evaluate(state);

        var pasid = Assert.Single(findings, f => f.Code == DiagnosticCodes.ReadinessPasidMissing);
        Assert.Equal(ReadinessLevel.Blocker, pasid.Level);
        Assert.Contains("dmar0, dmar1", pasid.Message, StringComparison.Ordinal);
        Assert.Contains("ecap 3ee9e86f050df", pasid.Message, StringComparison.Ordinal);
        Assert.Contains("PSS=19", pasid.Message, StringComparison.Ordinal);
        Assert.Contains("SMTS=1", pasid.Message, StringComparison.Ordinal);
        Assert.Contains("bit 40", pasid.Fix, StringComparison.Ordinal);
        Assert.Equal(ReadinessLevel.Ok, Assert.Single(findings, f => f.Code == DiagnosticCodes.ReadinessScalableModeOff && f.Subject == "VT-d").Level);
    }

    [Fact]
    public void Evaluate_PasidOnEveryUnit_IsOk()
    {
        var finding = Single(State(units: [Unit("dmar0", EcapPasidOn), Unit("dmar1", EcapPasidOn)]), DiagnosticCodes.ReadinessPasidMissing);

        Assert.Equal(ReadinessLevel.Ok, finding.Level);
        Assert.Contains("20-bit", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnitWithoutScalableMode_Blocks()
    {
        var finding = Assert.Single(
            ReadinessEvaluator.Evaluate(State(units: [Unit("dmar0", EcapPasidOn & ~(1UL << 43))])),
            f => f.Code == DiagnosticCodes.ReadinessScalableModeOff && f.Subject == "VT-d");

        Assert.Equal(ReadinessLevel.Blocker, finding.Level);
        Assert.Contains("SMTS=0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnitsDiffer_WarnsInconsistent()
    {
        var finding = Single(State(units: [Unit("dmar0", EcapPasidOn), Unit("dmar1", EcapPasidOff)]), DiagnosticCodes.ReadinessInconsistentUnits);

        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Contains("pasid", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CpuWithoutEnqcmd_Warns()
    {
        var finding = Single(State(cpu: Spr with { Enqcmd = false }), DiagnosticCodes.ReadinessEnqcmd);

        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Contains("ENQCMD", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_QatPfWithoutParentAndNoAdis_PointsAtNumberAdis()
    {
        var state = State(functions: [QatPf("0000:6b:00.0")], qatConfigs: [QatConfig(0, adis: 0)]);

        var finding = Single(state, DiagnosticCodes.ReadinessDriver);

        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Equal("0000:6b:00.0", finding.Subject);
        Assert.Contains("NumberAdis is 0 in /etc/4xxx_dev0.conf", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_QatPfWithoutConfigFiles_SaysOutOfTreeDriverMissing()
    {
        var finding = Single(State(functions: [QatPf("0000:6b:00.0")]), DiagnosticCodes.ReadinessDriver);

        Assert.Contains("out-of-tree QAT driver", finding.Message, StringComparison.Ordinal);
        Assert.Contains("mode: sriov", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_QatPfRegistered_IsOkWithTypes()
    {
        var parent = new MdevParent("0000:6b:00.0", PciAddress.Parse("0000:6b:00.0"), "4xxx", [Type("4xxx-vqat_sym", "32")]);

        var finding = Single(State(functions: [QatPf("0000:6b:00.0")], parents: [parent]), DiagnosticCodes.ReadinessDriver);

        Assert.Equal(ReadinessLevel.Ok, finding.Level);
        Assert.Contains("4xxx-vqat_sym (32)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_E810WithoutPasidAndSmallBar_IsNotSiovCapable()
    {
        var nic = Function("0000:16:00.0", 0x1592, PciCapabilities.None, bar0: 32UL << 20);

        var finding = Single(State(functions: [nic]), DiagnosticCodes.ReadinessSiovIncapable);

        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Contains("no PASID capability", finding.Message, StringComparison.Ordinal);
        Assert.Contains("BAR0 is 32 MiB", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CapableE810WithoutParent_SaysDriverNotLoaded()
    {
        var capabilities = ConfigSpace.ParseCapabilities(new ConfigSpaceBuilder(0x8086, 0x1592, 0x020000).Pasid(0x100, 20, false, false, false).Build());
        var nic = Function("0000:16:00.0", 0x1592, capabilities, bar0: 128UL << 20);

        var state = State(functions: [nic]);

        Assert.DoesNotContain(ReadinessEvaluator.Evaluate(state), f => f.Code == DiagnosticCodes.ReadinessSiovIncapable);
        Assert.Contains("out-of-tree ice driver", Single(state, DiagnosticCodes.ReadinessDriver).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PasidOffHost_StillReportsGenericMdevAndSriov()
    {
        var mtty = new MdevParent("mtty", null, "mtty", [Type("mtty-1", "24")]);
        var pf = QatPf("0000:6b:00.0") with { Sriov = new SriovState(16, 0, 0x4941, true, []) };

        var findings = ReadinessEvaluator.Evaluate(State(units: [Unit("dmar0", EcapPasidOff)], functions: [pf], parents: [mtty]));

        var works = findings.Where(f => f.Code == DiagnosticCodes.ReadinessAvailable).ToList();
        Assert.All(works, f => Assert.Equal(ReadinessLevel.Ok, f.Level));
        Assert.Contains(works, f => f.Subject == "mtty" && f.Message.Contains("mtty-1 (24)", StringComparison.Ordinal));
        Assert.Contains(works, f => f.Subject == "SR-IOV" && f.Message.Contains("0000:6b:00.0 (16 VFs)", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Code == DiagnosticCodes.ReadinessPasidMissing && f.Level == ReadinessLevel.Blocker);
    }

    [Fact]
    public void Evaluate_IgnoresFindingsAlreadyInState()
    {
        var state = State() with { Findings = [new ReadinessFinding("X", ReadinessLevel.Blocker, "s", "m", "f")] };

        Assert.DoesNotContain(ReadinessEvaluator.Evaluate(state), f => f.Code == "X");
    }

    private static ReadinessFinding Single(HostState state, string code) =>
        Assert.Single(ReadinessEvaluator.Evaluate(state), f => f.Code == code);

    private static IommuUnit Unit(string name, ulong ecap) =>
        new(name, 0xd97fc000, "6:0", new VtdCapability(Cap), new VtdExtendedCapability(ecap));

    private static MdevType Type(string id, string available) => new(id, id, null, "vfio-pci", AvailableInstances.Parse(available), []);

    private static QatDeviceConfig QatConfig(int index, int adis) =>
        new(index, $"/etc/4xxx_dev{index}.conf", ["sym", "dc"], adis, 0, 0, string.Empty);

    private static PciFunction QatPf(string address) =>
        Function(address, 0x4940, ConfigSpace.ParseCapabilities(ConfigSpaceBuilder.Qat4xxxLike().Build()), bar0: 2UL << 20, driver: "4xxx");

    private static PciFunction Function(string address, ushort device, PciCapabilities capabilities, ulong bar0, string? driver = "ice") =>
        new(PciAddress.Parse(address), 0x8086, device, 0x020000, 2, 0x8086, 0, driver, null, 10, 0, capabilities, null, null, [bar0, 0, 0, 0, 0, 0]);

    private static HostState State(
        ImmutableArray<IommuUnit>? units = null,
        string commandLine = "intel_iommu=on,sm_on",
        CpuInfo? cpu = null,
        ImmutableArray<PciFunction>? functions = null,
        ImmutableArray<MdevParent>? parents = null,
        ImmutableArray<QatDeviceConfig>? qatConfigs = null) =>
        new(
            new KernelRelease("Linux", "5.15.0-91-generic", "x86_64"),
            cpu ?? Spr,
            KernelCommandLine.Parse(commandLine),
            units ?? [Unit("dmar0", EcapPasidOn)],
            null,
            functions ?? [],
            parents ?? [],
            [],
            new FamilyConfigurations([new QatConfigurations(qatConfigs ?? [])]),
            [],
            OwnershipLedger.Empty,
            []);
}
