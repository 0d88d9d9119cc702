using HdIov.Engine.Interop;

namespace HdIov.Engine.Tests.Simulation;

[Trait("Category", "Simulation")]
public sealed class SriovAndDriverKernelModelTests
{
    private const string Nvme = "0000:01:00.0";
    private const string NumVfs = "/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs";

    [Fact]
    public void NumVfs_ZeroToN_CreatesBoundVfsWithLinksAndGroups()
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        sim.Host.WriteAttribute(NumVfs, "2\n");

        Assert.Equal("2", sim.Read(NumVfs));
        Assert.Equal("/sys/devices/pci0000:01/0000:01:00.2", sim.Host.ResolvePath($"/sys/bus/pci/devices/{Nvme}/virtfn1"));
        Assert.Equal("/sys/devices/pci0000:01/0000:01:00.0", sim.Host.ResolvePath("/sys/bus/pci/devices/0000:01:00.1/physfn"));
        Assert.Equal("0x0010", sim.Read("/sys/bus/pci/devices/0000:01:00.1/device"));
        Assert.Equal("nvme", Path.GetFileName(sim.Host.ResolvePath("/sys/bus/pci/devices/0000:01:00.1/driver")));
        Assert.NotEqual(
            sim.Host.ResolvePath("/sys/bus/pci/devices/0000:01:00.1/iommu_group"),
            sim.Host.ResolvePath("/sys/bus/pci/devices/0000:01:00.2/iommu_group"));
    }

    [Fact]
    public void NumVfs_Errors_MatchTheKernel()
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        sim.WriteFails(NumVfs, "two", Errno.EINVAL);
        sim.WriteFails(NumVfs, "3", Errno.ERANGE);
        sim.Host.WriteAttribute(NumVfs, "1");
        sim.Host.WriteAttribute(NumVfs, "1");
        sim.WriteFails(NumVfs, "2", Errno.EBUSY);
        sim.Host.WriteAttribute(NumVfs, "0");
        Assert.False(sim.Host.Exists("/sys/bus/pci/devices/0000:01:00.1"));
        Assert.False(sim.Host.Exists($"/sys/bus/pci/devices/{Nvme}/virtfn0"));
    }

    [Fact]
    public void NumVfs_AutoprobeOff_LeavesVfsUnbound()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{Nvme}/sriov_drivers_autoprobe", "0");

        sim.Host.WriteAttribute(NumVfs, "1");

        Assert.Null(sim.Host.ReadLink("/sys/bus/pci/devices/0000:01:00.1/driver"));
    }

    [Fact]
    public void VfioRebind_OverrideUnbindProbe_BindsVfioPciAndCreatesGroupNode()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteAttribute(NumVfs, "1");
        const string Vf = "0000:01:00.1";

        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{Vf}/driver_override", "vfio-pci");
        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{Vf}/driver/unbind", Vf);
        sim.WriteFails($"/sys/bus/pci/drivers/nvme/unbind", Vf, Errno.ENODEV);
        sim.Host.WriteAttribute("/sys/bus/pci/drivers_probe", Vf);

        Assert.Equal("vfio-pci", Path.GetFileName(sim.Host.ResolvePath($"/sys/bus/pci/devices/{Vf}/driver")));
        var group = Path.GetFileName(sim.Host.ResolvePath($"/sys/bus/pci/devices/{Vf}/iommu_group"));
        Assert.True(sim.Host.Exists($"/dev/vfio/{group}"));
        Assert.True(sim.Host.Exists("/dev/vfio/vfio"));
        Assert.Equal("vfio-pci", sim.Read($"/sys/bus/pci/devices/{Vf}/driver_override"));

        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{Vf}/driver_override", "\n");
        Assert.Equal("(null)", sim.Read($"/sys/bus/pci/devices/{Vf}/driver_override"));
    }

    [Fact]
    public void DriversProbe_UnknownDevice_Enodev_ReadOnlyAttribute_Eacces_MissingFile_Enoent()
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        sim.WriteFails("/sys/bus/pci/drivers_probe", "0000:09:00.0", Errno.ENODEV);
        sim.WriteFails($"/sys/bus/pci/devices/{Nvme}/sriov_totalvfs", "4", Errno.EACCES);
        sim.WriteFails($"/sys/bus/pci/devices/{Nvme}/no_such_attribute", "1", Errno.ENOENT);
    }

    [Fact]
    public void UnbindPf_WithVfs_DisablesThemAndUnbindsThePf()
    {
        using var sim = new SimulatedHostScope("icx-sriov");
        const string Pf = "0000:31:00.1";
        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{Pf}/sriov_numvfs", "64");
        Assert.Equal("/sys/devices/pci0000:31/0000:31:09.0", sim.Host.ResolvePath($"/sys/bus/pci/devices/{Pf}/virtfn0"));

        sim.Host.WriteAttribute("/sys/bus/pci/drivers/ice/unbind", Pf);

        Assert.Equal("0", sim.Read($"/sys/bus/pci/devices/{Pf}/sriov_numvfs"));
        sim.WriteFails($"/sys/bus/pci/devices/{Pf}/sriov_numvfs", "1", Errno.ENOENT);
        sim.Host.WriteAttribute("/sys/bus/pci/drivers/ice/bind", Pf);
        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{Pf}/sriov_numvfs", "1");
    }
}
