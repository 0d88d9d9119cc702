using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class HostObserverTests : IDisposable
{
    private const string QatPf = "0000:6b:00.0";
    private const string QatPf2 = "0000:70:00.0";
    private const string MttyDirectory = "/sys/devices/virtual/mtty/mtty";
    private const ulong SprCap = 0x19ed008c40780c66;
    private const ulong SprEcapPasidOff = 0x3ee9e86f050df;
    private const ulong SprEcapPasidOn = SprEcapPasidOff | (1UL << 40);
    private static readonly Guid SymMdev = new("2f0c9b0a-2b8a-4e39-9a53-7d6a1b1c0001");
    private static readonly Guid MttyMdev = new("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");

    private readonly FakeHostTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Observe_QatPf_ReadsIdentityBindingsAndCapabilities()
    {
        _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx", iommuGroup: 14, numaNode: 0, barSizes: [0x200000, 0, 0x80000]);

        var function = Assert.Single(Observe().Functions);

        Assert.Equal(PciAddress.Parse(QatPf), function.Address);
        Assert.Equal((0x8086, 0x4940, 0x0b4000u, (byte)0x40), (function.VendorId, function.DeviceId, function.ClassCode, function.Revision));
        Assert.Equal("4xxx", function.Driver);
        Assert.Null(function.DriverOverride);
        Assert.Equal(14, function.IommuGroup);
        Assert.Equal(0, function.NumaNode);
        Assert.Equal([0x200000UL, 0, 0x80000, 0, 0, 0], function.BarSizes.AsEnumerable());
        Assert.Equal(20, function.Capabilities.Pasid!.MaxPasidWidth);
        Assert.Equal(0x4941, function.Capabilities.Sriov!.VfDeviceId);
        Assert.NotNull(function.Capabilities.Siov);
        Assert.False(function.IsVirtualFunction);
    }

    [Fact]
    public void Observe_PfWithVfs_ReadsSriovStateAndPhysfn()
    {
        _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx", iommuGroup: 14, numaNode: 0);
        var vfConfig = new ConfigSpaceBuilder(0xffff, 0xffff, 0x0b4000).Build();
        string[] vfs = ["0000:6b:00.1", "0000:6b:00.2"];
        foreach (var (vf, index) in vfs.Select((vf, index) => (vf, index)))
        {
            _tree.AddPciFunction(vf, vfConfig, driver: "vfio-pci", iommuGroup: 300 + index, numaNode: 0, vendorOverride: 0x8086, deviceOverride: 0x4941);
        }

        _tree.SetSriov(QatPf, totalVfs: 16, vfDevice: 0x4941, vfs, autoprobe: false);
        _tree.WriteFile(FakeHostTree.DeviceDirectory(vfs[1]) + "/driver_override", "vfio-pci\n");

        var state = Observe();

        var pf = state.FindFunction(PciAddress.Parse(QatPf))!;
        Assert.Equal((16, 2, (ushort)0x4941, false), (pf.Sriov!.TotalVfs, pf.Sriov.NumVfs, pf.Sriov.VfDeviceId, pf.Sriov.DriversAutoprobe));
        Assert.Equal(vfs.Select(PciAddress.Parse), pf.Sriov.VirtualFunctions);
        var vf1 = state.FindFunction(PciAddress.Parse(vfs[1]))!;
        Assert.True(vf1.IsVirtualFunction);
        Assert.Equal(PciAddress.Parse(QatPf), vf1.PhysicalFunction);
        Assert.Equal((0x8086, 0x4941), (vf1.VendorId, vf1.DeviceId));
        Assert.Equal("vfio-pci", vf1.DriverOverride);
        Assert.Equal(301, vf1.IommuGroup);
    }

    [Fact]
    public void Observe_MdevParents_ReadsPciAndVirtualParentsWithTypes()
    {
        var pfDirectory = _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx", iommuGroup: 14, numaNode: 0);
        _tree.AddMdevParent(QatPf, pfDirectory)
            .AddMdevType(pfDirectory, "4xxx-vqat_sym", "31", name: "4xxx-vqat_sym")
            .AddMdevType(pfDirectory, "4xxx-vqat_dc", "32", name: "4xxx-vqat_dc")
            .AddMdev(pfDirectory, "4xxx-vqat_sym", SymMdev, iommuGroup: 172);
        _tree.AddMdevParent("mtty", MttyDirectory, driver: "mtty")
            .AddMdevType(MttyDirectory, "mtty-1", "24", deviceApi: "vfio-pci", name: "Single port serial", description: "virtual serial port");

        var state = Observe();

        Assert.Equal(["0000:6b:00.0", "mtty"], state.MdevParents.Select(p => p.Name));
        var qat = state.FindParent(QatPf)!;
        Assert.Equal(PciAddress.Parse(QatPf), qat.PciAddress);
        Assert.Equal("4xxx", qat.Driver);
        Assert.Equal(["4xxx-vqat_dc", "4xxx-vqat_sym"], qat.Types.Select(t => t.Id));
        var sym = qat.FindType("4xxx-vqat_sym")!;
        Assert.Equal(31, sym.Available.Count);
        Assert.Equal("vfio-pci", sym.DeviceApi);
        Assert.Null(sym.Description);
        Assert.Equal([SymMdev], sym.Devices.AsEnumerable());
        var mtty = state.FindParent("mtty")!;
        Assert.Null(mtty.PciAddress);
        Assert.Equal("mtty", mtty.Driver);
        Assert.Equal("virtual serial port", mtty.Types[0].Description);
    }

    [Fact]
    public void Observe_IceVdcmAvailableInstances_KeepsTheWord()
    {
        const string Nic = "0000:16:00.0";
        var directory = _tree.AddPciFunction(Nic, new ConfigSpaceBuilder(0x8086, 0x1592, 0x020000).Pasid(0x100, 20, false, false, false).Build(), driver: "ice", iommuGroup: 40);
        _tree.AddMdevParent(Nic, directory).AddMdevType(directory, "ice-vdcm", "ivdcm", name: Nic);

        var type = Observe().FindParent(Nic)!.FindType("ice-vdcm")!;

        Assert.False(type.Available.IsNumeric);
        Assert.Equal("ivdcm", type.Available.Raw);
        Assert.Equal(Nic, type.Name);
    }

    [Fact]
    public void Observe_LiveMdevs_ResolveParentTypeAndGroup()
    {
        var pfDirectory = _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx", iommuGroup: 14);
        _tree.AddMdevParent(QatPf, pfDirectory).AddMdevType(pfDirectory, "4xxx-vqat_sym", "31").AddMdev(pfDirectory, "4xxx-vqat_sym", SymMdev, iommuGroup: 172);
        _tree.AddMdevParent("mtty", MttyDirectory, driver: "mtty").AddMdevType(MttyDirectory, "mtty-2", "11").AddMdev(MttyDirectory, "mtty-2", MttyMdev);

        var mdevs = Observe().Mdevs;

        Assert.Equal(
            [new MdevDevice(SymMdev, QatPf, "4xxx-vqat_sym", 172), new MdevDevice(MttyMdev, "mtty", "mtty-2", null)],
            mdevs.OrderBy(m => m.Parent, StringComparer.Ordinal));
    }

    [Fact]
    public void Observe_IommuUnitsAndDmar_DecodesRegistersAndTable()
    {
        _tree.AddIommuUnit("dmar0", 0xd97fc000, SprCap, SprEcapPasidOn)
            .AddIommuUnit("dmar1", 0xe17fc000, SprCap, SprEcapPasidOn)
            .WriteBytes("/sys/firmware/acpi/tables/DMAR", DmarTableBuilder.SapphireRapidsLike().Build());

        var state = Observe();

        Assert.Equal(["dmar0", "dmar1"], state.IommuUnits.Select(u => u.Name));
        Assert.Equal(0xe17fc000UL, state.IommuUnits[1].Address);
        Assert.Equal("6:0", state.IommuUnits[0].Version);
        Assert.True(state.IommuUnits[0].Ecap.Pasid);
        Assert.Equal(65536, state.IommuUnits[0].Cap.Domains);
        Assert.Equal(3, state.Dmar!.HardwareUnits.Length);
        Assert.DoesNotContain(state.Findings, f => f.Code == DiagnosticCodes.ReadinessDmarTable);
    }

    [Fact]
    public void Observe_CorruptDmarTable_BecomesWarningNotCrash()
    {
        var table = DmarTableBuilder.SapphireRapidsLike().Build();
        table[100] ^= 0xff;
        _tree.AddIommuUnit("dmar0", 0xd97fc000, SprCap, SprEcapPasidOn).WriteBytes("/sys/firmware/acpi/tables/DMAR", table);

        var state = Observe();

        Assert.Null(state.Dmar);
        var finding = Assert.Single(state.Findings, f => f.Code == DiagnosticCodes.ReadinessDmarTable);
        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Contains("checksum", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_QatConfigs_ParseServicesAdisAndKernelInstances()
    {
        _tree.WriteFile("/etc/4xxx_dev0.conf", "# QAT device 0\n[GENERAL]\nServicesEnabled = sym;dc\n\n[KERNEL]\nNumberCyInstances = 1\nNumberDcInstances = 1\n\n[SIOV]\nNumberAdis = 16\n");
        _tree.WriteFile("/etc/4xxx_dev1.conf", "[GENERAL]\nServicesEnabled = asym\n");
        _tree.WriteFile("/etc/4xxx_dev2.conf", "[SIOV]\nNumberAdis = many\n");
        _tree.WriteFile("/etc/4xxx_dev0.conf.bak", "[SIOV]\nNumberAdis = 3\n");

        var state = Observe();

        Assert.Equal([0, 1], state.Configurations.Find<QatConfigurations>()!.Devices.Select(c => c.Index));
        var first = state.Configurations.Find<QatConfigurations>()!.Devices[0];
        Assert.Equal(("/etc/4xxx_dev0.conf", 16, 1, 1), (first.Path, first.NumberAdis, first.KernelCyInstances, first.KernelDcInstances));
        Assert.Equal(["sym", "dc"], first.Services.AsEnumerable());
        Assert.StartsWith("# QAT device 0", first.Text, StringComparison.Ordinal);
        Assert.Equal(0, state.Configurations.Find<QatConfigurations>()!.Devices[1].NumberAdis);
        var warning = Assert.Single(state.Findings, f => f.Code == DiagnosticCodes.ReadinessQatConfig);
        Assert.Contains("4xxx_dev2.conf:2", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FamilyConfigurations_ThroughJson_AreParsedAgainByTheirFamily()
    {
        _tree.WriteFile("/etc/4xxx_dev0.conf", "[GENERAL]\nServicesEnabled = sym;dc\n\n[SIOV]\nNumberAdis = 16\n");
        _tree.WriteFile("/etc/4xxx_dev1.conf", "[GENERAL]\nServicesEnabled = asym\n");
        var state = Observe();

        var json = System.Text.Json.JsonSerializer.Serialize(state.Configurations);
        var back = System.Text.Json.JsonSerializer.Deserialize<FamilyConfigurations>(json)!;

        Assert.DoesNotContain("NumberAdis\":", json, StringComparison.Ordinal);
        Assert.Equal(state.Configurations.Files, back.Files);
        static IEnumerable<(int, int, string, string)> Parsed(FamilyConfigurations configurations) =>
            configurations.Find<QatConfigurations>()!.Devices.Select(d => (d.Index, d.NumberAdis, string.Join(';', d.Services), d.Text));
        Assert.Equal(Parsed(state.Configurations), Parsed(back));
        Assert.Equal(state.Fingerprint, (state with { Configurations = back }).Fingerprint);
    }

    [Fact]
    public void Observe_MdevctlDefinitions_ReadsValidAndReportsInvalid()
    {
        _tree.WriteFile($"/etc/mdevctl.d/{QatPf}/{SymMdev}", "{\"mdev_type\":\"4xxx-vqat_sym\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\"},{\"b\":\"2\"}]}");
        _tree.WriteFile($"/etc/mdevctl.d/mtty/{MttyMdev}", "{\"mdev_type\": \"mtty-2\", \"start\": \"sometimes\"}");
        _tree.WriteFile("/etc/mdevctl.d/mtty/notes.txt", "hello");
        _tree.WriteFile("/etc/mdevctl.d/scripts.d/callouts/script.sh", "#!/bin/sh\n");

        var state = Observe();

        var definition = Assert.Single(state.MdevctlDefinitions);
        Assert.Equal((SymMdev, QatPf, "4xxx-vqat_sym", true), (definition.Uuid, definition.Parent, definition.Type, definition.AutoStart));
        Assert.Equal([new("a", "1"), new KeyValuePair<string, string>("b", "2")], definition.Attributes.AsEnumerable());
        var warnings = state.Findings.Where(f => f.Code == DiagnosticCodes.ReadinessMdevctlDefinition).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Message.Contains("sometimes", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Subject.EndsWith("notes.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void Observe_Ledger_ReadsWhatTheSerializerWrote()
    {
        var ledger = new OwnershipLedger([new LedgerEntry(LedgerEntryKind.Mdev, QatPf, SymMdev, "4xxx-vqat_sym", "qat/0/sym/0", Persistence.Mdevctl)]);
        _tree.WriteFile(OwnershipLedger.Path, LedgerSerializer.Write(ledger));

        var state = Observe();

        Assert.True(state.Ledger.OwnsMdev(SymMdev));
        Assert.Equal(ledger.Entries.AsEnumerable(), state.Ledger.Entries.AsEnumerable());
    }

    [Fact]
    public void Observe_LedgerRewrittenToTheSameLengthOrAppendedTo_SeesEachChange()
    {
        var sym = new LedgerEntry(LedgerEntryKind.Mdev, QatPf, SymMdev, "4xxx-vqat_sym", "qat/0/sym/0", Persistence.Mdevctl);
        var other = sym with { Uuid = Guid.Parse("3f1c2a7e-0000-4000-8000-0000000000aa") };
        _tree.WriteFile(OwnershipLedger.Path, LedgerSerializer.Write(new OwnershipLedger([sym])));
        var first = Observe();
        var rewritten = LedgerSerializer.Write(new OwnershipLedger([other]));
        Assert.Equal(File.ReadAllBytes(_tree.Physical(OwnershipLedger.Path)).Length, System.Text.Encoding.UTF8.GetByteCount(rewritten));
        _tree.WriteFile(OwnershipLedger.Path, rewritten);

        var second = Observe();
        LedgerFile.Remove(new LinuxHost(_tree.Root), other);
        var third = Observe();

        Assert.True(first.Ledger.OwnsMdev(SymMdev));
        Assert.Equal([other], second.Ledger.Entries.AsEnumerable());
        Assert.Empty(third.Ledger.Entries);
    }

    [Fact]
    public void Observe_CorruptLedger_RefusesWithLocatedDiagnostic()
    {
        _tree.WriteFile(OwnershipLedger.Path, "{ \"version\": 1, \"entries\": [ { \"kind\": ");

        var error = Assert.Throws<HdIovException>(() => Observe());

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.LedgerInvalid, diagnostic.Code);
        Assert.Contains(OwnershipLedger.Path, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_CpuAndTopology_FromCpuIdProcAndSysfs()
    {
        _tree.SetTopology(sockets: 2, coresPerSocket: 4, numaNodes: 2).SetCommandLine("BOOT_IMAGE=/vmlinuz intel_iommu=on,sm_on iommu=pt");

        var state = Observe();

        Assert.Equal(
            new CpuInfo("GenuineIntel", 6, 0x8F, 8, "Intel(R) Xeon(R) Gold 6448H", Vmx: true, Enqcmd: true, Movdir64b: true, Sockets: 2, NumaNodes: 2),
            state.Cpu);
        Assert.Equal("Sapphire Rapids", state.Cpu.Platform);
        Assert.True(state.CommandLine.HasIntelIommuOption("sm_on"));
        Assert.True(state.CommandLine.IommuPassthrough);
    }

    [Fact]
    public void Observe_KernelConfigInBoot_ReadsScalableModeDefault()
    {
        _tree.WriteFile("/boot/config-6.8.0-test", "CONFIG_INTEL_IOMMU=y\nCONFIG_INTEL_IOMMU_DEFAULT_ON=y\n# CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON is not set\n");

        var options = Observe().KernelOptions;

        Assert.Equal(new KernelBuildOptions("/boot/config-6.8.0-test", true, false), options);
    }

    [Fact]
    public void Observe_DeviceVanishesWhileRead_IsSkipped()
    {
        _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx", iommuGroup: 14);
        _tree.AddPciFunction(QatPf2, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx", iommuGroup: 15);
        var host = new VanishingHost(Host(), FakeHostTree.DeviceDirectory(QatPf2));

        var state = new HostObserver(host).Observe();

        Assert.Equal([PciAddress.Parse(QatPf)], state.Functions.Select(f => f.Address));
    }

    [Fact]
    public void Observe_DanglingBusLink_IsSkipped()
    {
        _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build(), driver: "4xxx");
        _tree.Link("/sys/bus/pci/devices/" + QatPf2, FakeHostTree.DeviceDirectory(QatPf2));
        _tree.Link("/sys/bus/mdev/devices/" + MttyMdev, MttyDirectory + "/" + MttyMdev);

        var state = Observe();

        Assert.Single(state.Functions);
        Assert.Empty(state.Mdevs);
    }

    [Fact]
    public void Observe_UnprivilegedConfigRead_GivesHeaderOnlyWithoutFailing()
    {
        var config = ConfigSpaceBuilder.Qat4xxxLike().Build()[..64];
        _tree.AddPciFunction(QatPf, config, driver: "4xxx");

        var function = Assert.Single(Observe().Functions);

        Assert.Null(function.Capabilities.Pasid);
        Assert.Equal(0x4940, function.DeviceId);
    }

    [Fact]
    public void Observe_EmptyRoot_ReportsNoVtdAsBlocker()
    {
        var state = Observe();

        Assert.Empty(state.Functions);
        Assert.Equal(OwnershipLedger.Empty, state.Ledger);
        Assert.Contains(state.Findings, f => f.Code == DiagnosticCodes.ReadinessIommuOff && f.Level == ReadinessLevel.Blocker && f.Fix.Contains("BIOS", StringComparison.Ordinal));
    }

    [Fact]
    public void Observe_Cancelled_Throws()
    {
        _tree.AddPciFunction(QatPf, ConfigSpaceBuilder.Qat4xxxLike().Build());

        Assert.Throws<OperationCanceledException>(() => new HostObserver(Host()).Observe(new CancellationToken(canceled: true)));
    }

    private CpuIdHost Host() =>
        new(new LinuxHost(_tree.Root), CpuIdHost.SapphireRapids(), new KernelRelease("Linux", "6.8.0-test", "x86_64"));

    private HostState Observe() => new HostObserver(Host()).Observe();

    /// <summary>
    /// Removes one device directory after its first attribute is read, as when VFs are disabled or a device is
    /// unplugged while discovery walks it: from then on it does not exist and reads answer ENOENT.
    /// </summary>
    private sealed class VanishingHost(IHost inner, string deviceDirectory) : IHost
    {
        private bool _vanished;

        public string Root => inner.Root;

        public bool IsSimulated => inner.IsSimulated;

        public KernelRelease KernelRelease => inner.KernelRelease;

        public DateTimeOffset Now => inner.Now;

        public bool Exists(string path) => !Gone(path) && inner.Exists(path);

        public bool IsDirectory(string path) => !Gone(path) && inner.IsDirectory(path);

        public string ReadText(string path)
        {
            Touch(path);
            return inner.ReadText(path);
        }

        public byte[] ReadBytes(string path)
        {
            Touch(path);
            return inner.ReadBytes(path);
        }

        public IReadOnlyList<string> ListDirectory(string path) => Gone(path) ? [] : inner.ListDirectory(path);

        public string? ReadLink(string path) => Gone(path) ? null : inner.ReadLink(path);

        public string ResolvePath(string path) => inner.ResolvePath(path);

        public void WriteAttribute(string path, string value) => inner.WriteAttribute(path, value);

        public void WriteFile(string path, string content) => inner.WriteFile(path, content);

        public void AppendFile(string path, string content) => inner.AppendFile(path, content);

        public void DeleteFile(string path) => inner.DeleteFile(path);

        public void DeleteDirectory(string path) => inner.DeleteDirectory(path);

        public CommandResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
            inner.Run(program, arguments, cancellationToken);

        public CpuIdResult CpuId(uint leaf, uint subleaf) => inner.CpuId(leaf, subleaf);

        public IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default) => inner.Lock(path, timeout, cancellationToken);

        private bool Under(string path) => inner.ResolvePath(path).StartsWith(deviceDirectory, StringComparison.Ordinal);

        private bool Gone(string path) => _vanished && Under(path);

        private void Touch(string path)
        {
            if (Gone(path))
            {
                throw HostIoException.FromErrno(Errno.ENOENT, path, "read");
            }

            if (Under(path))
            {
                _vanished = true;
            }
        }
    }
}
