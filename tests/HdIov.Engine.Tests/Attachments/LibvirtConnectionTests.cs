using HdIov.Engine.Attachments;
using HdIov.Engine.Interop;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Attachments;

/// <summary>The P/Invoke layer against libvirt's real in-process test driver (<c>test:///default</c> and a node XML file).</summary>
[Trait("Category", "Libvirt")]
public sealed class LibvirtConnectionTests
{
    private const string Foreign = "11111111-2222-3333-4444-555555555555";

    public LibvirtConnectionTests() => LibvirtComponents.RequireLibrary();

    [Fact]
    public void ListDomainNames_DefaultTestDriver_ListsItsDomain()
    {
        using var connection = LibvirtConnection.Open("test:///default");

        Assert.Contains("test", connection.ListDomainNames());
    }

    [Fact]
    public void LookupDomain_ExistingDomain_ReadsItsXmlAndState()
    {
        using var connection = LibvirtConnection.Open("test:///default");
        using var domain = connection.LookupDomain("test");

        Assert.NotNull(domain);
        Assert.True(connection.IsActive(domain));
        Assert.Contains("<name>test</name>", connection.GetXml(domain, inactive: true), StringComparison.Ordinal);
    }

    [Fact]
    public void LookupDomain_UnknownName_ReturnsNull()
    {
        using var connection = LibvirtConnection.Open("test:///default");

        Assert.Null(connection.LookupDomain("no-such-vm"));
    }

    [Fact]
    public void AttachDevice_DriverWithoutHotplug_ThrowsLibvirtErrorCodeAndMessage()
    {
        using var connection = LibvirtConnection.Open("test:///default");
        using var domain = connection.LookupDomain("test")!;
        var xml = HostdevXml.Render(VmDevice.Mdev("mtty", Guid.Parse(Foreign), null));

        var error = Assert.Throws<LibvirtException>(() => connection.AttachDevice(domain, xml, Libvirt.VIR_DOMAIN_AFFECT_CONFIG));

        Assert.Equal(LibvirtException.NoSupport, error.ErrorCode);
        Assert.Equal("virDomainAttachDeviceFlags", error.Operation);
        Assert.Contains("virDomainAttachDeviceFlags", error.LibvirtMessage, StringComparison.Ordinal);
        Assert.Equal("HDIOV3008", error.Diagnostics[0].Code);
    }

    [Fact]
    public void Open_UnknownDriver_ThrowsLibvirtException()
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("nosuchdriver:///x"));

        Assert.NotEqual(0, error.ErrorCode);
        Assert.Equal("virConnectOpen", error.Operation);
        Assert.False(string.IsNullOrWhiteSpace(error.LibvirtMessage));
    }

    [Fact]
    public void FindDomain_NodeFileWithMdevHostdev_ObservesTheHostdev()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hdiov-node-{Guid.NewGuid():N}.xml");
        File.WriteAllText(file, $"""
            <node>
              <domain type='test'>
                <name>vm01</name>
                <memory>65536</memory>
                <os><type>hvm</type></os>
                <devices>
                  <hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{Foreign}'/></source></hostdev>
                  <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0xf7' slot='0x00' function='0x1'/></source></hostdev>
                </devices>
              </domain>
            </node>
            """);
        try
        {
            using var machines = new LibvirtVirtualMachines(LibvirtUriMap.Identity);
            var uri = "test://" + file;

            var observed = Assert.Single(DomainObserver.Observe(machines, [(uri, "vm01"), (uri, "absent")]), o => o.Name == "vm01");
            var missing = DomainObserver.Observe(machines, [(uri, "absent")])[0];

            Assert.Equal(DomainStatus.Found, observed.Status);
            Assert.Contains(Guid.Parse(Foreign), observed.Config.Mdevs);
            Assert.Contains(HdIov.Engine.Hardware.Pci.PciAddress.Parse("0000:f7:00.1"), observed.Config.PciFunctions);
            Assert.Equal(DomainStatus.Missing, missing.Status);
            Assert.Equal(["vm01"], machines.ListDomains(uri));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
