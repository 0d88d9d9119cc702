using System.Diagnostics;
using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Attachments;

/// <summary>
/// The guest vIOMMU a VM needs for PASID inside the guest, read from its libvirt definition, and the readiness finding
/// for every VM that receives SIOV VDEVs.
/// </summary>
[Trait("Category", "Attachments")]
public sealed class GuestIommuTests
{
    private const string Override = """
        <qemu:override>
          <qemu:device alias='ua-viommu'>
            <qemu:frontend><qemu:property name='x-scalable-mode' type='bool' value='true'/></qemu:frontend>
          </qemu:device>
        </qemu:override>
        """;

    [Fact]
    public void Parse_ADefinitionWithEveryPart_IsComplete_AndLibvirtsSchemaAcceptsIt()
    {
        var xml = Domain("q35", ioapic: true, iommu: true, driver: "intremap='on' caching_mode='on'", qemu: Override);

        var iommu = GuestIommu.Parse(xml);

        Assert.True(iommu.Complete, string.Join("; ", iommu.Missing));
        AssertLibvirtAccepts(xml);
    }

    [Fact]
    public void Parse_ScalableModeSetGloballyOnTheCommandLine_Counts()
    {
        var xml = Domain("pc-q35-7.2", ioapic: true, iommu: true, driver: "intremap='on' caching_mode='on'",
            qemu: "<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='intel-iommu.x-scalable-mode=on'/></qemu:commandline>");

        Assert.True(GuestIommu.Parse(xml).Complete);
        AssertLibvirtAccepts(xml);
    }

    [Fact]
    public void Parse_APlainPcDomain_LacksEveryPart()
    {
        var iommu = GuestIommu.Parse(Domain("pc", ioapic: false, iommu: false, driver: null, qemu: string.Empty));

        Assert.Equal(GuestIommu.None, iommu);
        Assert.Equal(5, iommu.Missing.Count);
    }

    [Fact]
    public void Parse_AnOverrideOfAnotherDevice_IsNotScalableMode()
    {
        var iommu = GuestIommu.Parse(Domain("q35", ioapic: true, iommu: true, driver: "intremap='on' caching_mode='on'",
            qemu: Override.Replace("ua-viommu", "ua-other", StringComparison.Ordinal)));

        Assert.False(iommu.ScalableMode);
        Assert.Contains(iommu.Missing, m => m.StartsWith("scalable mode", StringComparison.Ordinal));
        Assert.Single(iommu.Missing);
    }

    [Fact]
    public void Readiness_WarnsForAVmHoldingQatVdevsWithoutAScalableModeIommu_AndSaysWhatIsMissing()
    {
        using var sim = ConvergedQatHost(out var vdev, out var name);
        var machines = new OneDomainMachines("vm01", Domain("pc", ioapic: false, iommu: false, driver: null, qemu: string.Empty, hostdev: vdev));

        var state = HolderObserver.ObserveDomains(new HostObserver(sim.Host).Observe(), machines, []);

        var finding = Assert.Single(state.Findings, f => f.Code == DiagnosticCodes.ReadinessGuestIommu);
        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Equal("VM vm01", finding.Subject);
        Assert.Contains(name, finding.Message, StringComparison.Ordinal);
        Assert.Contains("<iommu model='intel'>", finding.Message, StringComparison.Ordinal);
        Assert.Contains("virsh -c qemu:///system edit vm01", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_IsOkForAVmWithTheWholeIommu_AndSilentForGenericMdevs()
    {
        using var sim = ConvergedQatHost(out var vdev, out _);
        var complete = new OneDomainMachines("vm01", Domain("q35", ioapic: true, iommu: true, driver: "intremap='on' caching_mode='on'", qemu: Override, hostdev: vdev));

        var state = HolderObserver.ObserveDomains(new HostObserver(sim.Host).Observe(), complete, []);
        var again = HolderObserver.ObserveDomains(state, complete, []);

        Assert.Equal(ReadinessLevel.Ok, Assert.Single(again.Findings, f => f.Code == DiagnosticCodes.ReadinessGuestIommu).Level);

        using var lab = TemporarySimulatedHost.Create("mtty-lab");
        new Executor(lab.Host).Apply(Planner.Plan(Specs.MttyLab(single: 1, dual: 0), new HostObserver(lab.Host).Observe()));
        var mtty = new HostObserver(lab.Host).Observe();
        var generic = new OneDomainMachines("lab-vm01", Domain("pc", ioapic: false, iommu: false, driver: null, qemu: string.Empty, hostdev: mtty.Mdevs[0].Uuid));
        Assert.DoesNotContain(HolderObserver.ObserveDomains(mtty, generic, []).Findings, f => f.Code == DiagnosticCodes.ReadinessGuestIommu);
    }

    private static TemporarySimulatedHost ConvergedQatHost(out Guid vdev, out string name)
    {
        var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        new Executor(sim.Host).Apply(Planner.Plan(Specs.SprQatE810(), new HostObserver(sim.Host).Observe()));
        var entry = new HostObserver(sim.Host).Observe().Ledger.Entries.First(e => e.VdevName is not null && e.VdevName.StartsWith("qat/", StringComparison.Ordinal));
        vdev = entry.Uuid!.Value;
        name = entry.VdevName!;
        return sim;
    }

    private static string Domain(string machine, bool ioapic, bool iommu, string? driver, string qemu, Guid? hostdev = null) => $"""
        <domain type='qemu' xmlns:qemu='{GuestIommu.QemuNamespace}'>
          <name>vm</name>
          <memory unit='MiB'>64</memory>
          <os><type arch='x86_64' machine='{machine}'>hvm</type></os>
          {(ioapic ? "<features><ioapic driver='qemu'/></features>" : string.Empty)}
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            {(hostdev is { } uuid ? $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{uuid}'/></source></hostdev>" : string.Empty)}
            {(iommu ? $"<iommu model='intel'>{(driver is null ? string.Empty : $"<driver {driver}/>")}<alias name='ua-viommu'/></iommu>" : string.Empty)}
          </devices>
          {qemu}
        </domain>
        """;

    private static void AssertLibvirtAccepts(string xml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"hdiov-guest-iommu-{Guid.NewGuid():n}.xml");
        File.WriteAllText(file, xml);
        try
        {
            using var validate = Process.Start(new ProcessStartInfo("virt-xml-validate", [file, "domain"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = validate.StandardOutput.ReadToEnd() + validate.StandardError.ReadToEnd();
            validate.WaitForExit();
            Assert.True(validate.ExitCode == 0, $"virt-xml-validate refused the domain: {output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed class OneDomainMachines(string name, string xml) : IVirtualMachines
    {
        public DomainSnapshot? FindDomain(string uri, string domain) =>
            uri == DomainHolderReader.HostUri && domain == name ? new DomainSnapshot(uri, name, false, xml, null) : null;

        public IReadOnlyList<string> ListDomains(string uri) => uri == DomainHolderReader.HostUri ? [name] : [];

        public bool IsDormant(string uri) => false;

        public void AttachDevice(string uri, string name, string deviceXml, DomainChangeScope scope) => throw new InvalidOperationException("read only");

        public void DetachDevice(string uri, string name, string deviceXml, DomainChangeScope scope) => throw new InvalidOperationException("read only");

        public string ReadDefinition(string uri, string domain) => xml;

        public void Define(string uri, string domainXml) => throw new InvalidOperationException("read only");
    }
}
