using HdIov.Engine.Attachments;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Attachments;

public sealed class QemuDeviceArgumentsTests
{
    private static readonly Guid Uuid = Guid.Parse("0b7a5d6e-3c2f-5a41-9e8d-7f6c5b4a3928");

    [Fact]
    public void Vdev_RendersSysfsdevAndAnIdFromItsName()
    {
        var arguments = QemuDeviceArguments.For([VmDevice.Mdev("0000:6b:00.0", Uuid, "qat/0/asym/0")]);

        Assert.Equal(["-device", $"vfio-pci,sysfsdev=/sys/bus/mdev/devices/{Uuid:D},id=hdiov-qat-0-asym-0"], arguments.ToArray());
    }

    [Fact]
    public void Vf_RendersHostAddressAndAnIdFromTheAddress()
    {
        var arguments = QemuDeviceArguments.For([VmDevice.Vf("0000:f7:00.0", PciAddress.Parse("0000:f7:00.1"))]);

        Assert.Equal(["-device", "vfio-pci,host=0000:f7:00.1,id=hdiov-vf-0000-f7-00.1"], arguments.ToArray());
    }

    [Fact]
    public void UnnamedVdev_IsIdentifiedByItsUuid()
    {
        Assert.Equal($"hdiov-{Uuid:D}", QemuDeviceArguments.IdFor(VmDevice.Mdev("mtty", Uuid, null)));
    }

    [Fact]
    public void IncludeIommu_PutsTheScalableModeVIommuBeforeTheDevices()
    {
        var arguments = QemuDeviceArguments.For([VmDevice.Mdev("0000:6b:00.0", Uuid, "qat/0/asym/0")], includeIommu: true);

        Assert.Equal(
            ["-machine", "q35,kernel-irqchip=split", "-device", "intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on", "-device"],
            arguments.Take(5));
        Assert.StartsWith("vfio-pci,", arguments[5], StringComparison.Ordinal);
    }

    [Fact]
    public void NoDevices_WithoutIommu_IsEmpty() => Assert.Empty(QemuDeviceArguments.For([]));

    [Fact]
    public void CommaInAValue_IsDoubled()
    {
        Assert.Equal("/mnt/a,,b", QemuDeviceArguments.EscapeValue("/mnt/a,b"));
        var arguments = QemuDeviceArguments.For([VmDevice.Mdev("p", Uuid, "qat/0/dc/1")], sysfsRoot: "/mnt/host,sys/");

        Assert.Equal($"vfio-pci,sysfsdev=/mnt/host,,sys/bus/mdev/devices/{Uuid:D},id=hdiov-qat-0-dc-1", arguments[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/sys\n")]
    [InlineData("a\0b")]
    public void ValueQemuCannotCarry_IsRefused(string value) =>
        Assert.Throws<ArgumentException>(() => QemuDeviceArguments.EscapeValue(value));

    [Theory]
    [InlineData("qat/0/asym,x/0")]
    [InlineData("qat/0/as ym/0")]
    public void VdevNameThatGivesNoQemuId_IsRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => QemuDeviceArguments.IdFor(VmDevice.Mdev("p", Uuid, name)));
        Assert.Contains("is not a QEMU id", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hdiov-qat-0-asym-0", true)]
    [InlineData("a.b_c-1", true)]
    [InlineData("1abc", false)]
    [InlineData("-abc", false)]
    [InlineData("ab,c", false)]
    [InlineData("", false)]
    public void IsIdentifier_FollowsQemusRule(string id, bool expected) => Assert.Equal(expected, QemuDeviceArguments.IsIdentifier(id));

    [Fact]
    public void TwoDevicesWithOneId_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => QemuDeviceArguments.For(
            [VmDevice.Mdev("p", Uuid, "qat/0/asym/0"), VmDevice.Mdev("p", Guid.NewGuid(), "qat/0/asym/0")]));
        Assert.Contains("hdiov-qat-0-asym-0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclaredFor_TakesTheVmsVdevsInSpecOrderWithTheirUuids()
    {
        var asym = new VdevName("qat", 0, "asym", 0);
        var dc = new VdevName("qat", 1, "dc", 2);
        var other = new VdevName("nic", 0, "ice-vdcm", 0);
        var spec = Specs.SprQatE810() with
        {
            Attachments =
            [
                new AttachmentSpec([asym], new VmTarget("vm01", "qemu:///system", false), null),
                new AttachmentSpec([other], new VmTarget("vm02", "qemu:///system", false), null),
                new AttachmentSpec([dc], new VmTarget("vm01", "qemu:///session", false), null),
                new AttachmentSpec([new VdevName("qat", 2, "dc", 0)], null, new ContainerTarget(true)),
            ],
        };

        var declared = QemuDeviceArguments.DeclaredFor(spec, "vm01");

        Assert.Equal([asym, dc], declared.Select(d => d.Name));
        Assert.Equal(VdevIdentity.UuidFor(spec.Name, asym), declared[0].Uuid);
        Assert.Empty(QemuDeviceArguments.DeclaredFor(spec, "VM01"));
    }

    [Theory]
    [InlineData(new[] { "-device", "vfio-pci,host=0000:f7:00.1,id=hdiov-vf-0000-f7-00.1" }, "-device vfio-pci,host=0000:f7:00.1,id=hdiov-vf-0000-f7-00.1")]
    [InlineData(new[] { "a b", "it's" }, "'a b' 'it'\\''s'")]
    public void ToShellText_QuotesOnlyWhatAShellWouldSplit(string[] words, string expected) =>
        Assert.Equal(expected, QemuDeviceArguments.ToShellText(words));
}
