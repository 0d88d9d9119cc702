using HdIov.Engine.Attachments;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>
/// The real qemu-system-x86_64 reads the rendered arguments: with the vIOMMU machine and no accelerator it gets as far
/// as opening the VFIO device and fails only because the device does not exist on this machine, which proves the
/// options parsed (a syntax error stops QEMU earlier with a different message).
/// </summary>
public sealed class QemuDeviceArgumentsFidelityTests
{
    private static readonly string[] Headless = ["-accel", "tcg", "-nodefaults", "-display", "none", "-S"];

    [Fact]
    public void Vdev_QemuParsesTheOptionsAndStopsOnlyAtTheMissingSysfsDevice()
    {
        var uuid = Guid.NewGuid();
        var error = RunRejected(QemuDeviceArguments.For([VmDevice.Mdev("0000:6b:00.0", uuid, "qat/0/asym/0")], includeIommu: true));

        Assert.Contains($"-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/{uuid:D},id=hdiov-qat-0-asym-0: vfio /sys/bus/mdev/devices/{uuid:D}: no such host device", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Vf_QemuParsesTheOptionsAndStopsOnlyAtTheMissingPciDevice()
    {
        var error = RunRejected(QemuDeviceArguments.For([VmDevice.Vf("0000:f7:00.0", PciAddress.Parse("0000:f7:07.7"))], includeIommu: true));

        Assert.Contains("id=hdiov-vf-0000-f7-07.7: vfio /sys/bus/pci/devices/0000:f7:07.7: no such host device", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapedComma_ReachesQemuAsOneValue()
    {
        var uuid = Guid.NewGuid();
        var error = RunRejected(QemuDeviceArguments.For([VmDevice.Mdev("p", uuid, "qat/0/dc/0")], includeIommu: true, sysfsRoot: "/nonexistent,sys"));

        Assert.Contains($"vfio /nonexistent,sys/bus/mdev/devices/{uuid:D}: no such host device", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdQemuWouldRefuse_IsRefusedByQemuToo()
    {
        // The rule IsIdentifier encodes is QEMU's: the same option with an id starting with a digit is a parse error.
        Assert.False(QemuDeviceArguments.IsIdentifier("1hdiov"));
        var error = RunRejected(["-machine", "q35", "-device", "vfio-pci,host=0000:f7:07.7,id=1hdiov"]);

        Assert.Contains("Parameter 'id' expects an identifier", error, StringComparison.Ordinal);
    }

    private static string RunRejected(IEnumerable<string> arguments)
    {
        var qemu = ExternalTool.Require("qemu-system-x86_64", "qemu-system-x86");
        var (exitCode, _, error) = ExternalTool.Run(qemu, [.. arguments, .. Headless]);
        Assert.True(exitCode != 0, $"QEMU started although the device cannot exist: {error}");
        return error;
    }
}
