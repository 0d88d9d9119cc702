using HdIov.Engine.Interop;

namespace HdIov.Engine.Tests.Simulation;

[Trait("Category", "Simulation")]
public sealed class FirmwareKernelModelTests
{
    private const string Attribute = "/sys/class/firmware-attributes/hdiov-sim-bios/attributes/PcieEnqCmdSupport";
    private const string Pending = "/sys/class/firmware-attributes/hdiov-sim-bios/attributes/pending_reboot";

    [Fact]
    public void BiosSetting_IsPendingUntilReboot_ThenExposesPasidAndSiovParentsRegister()
    {
        using var sim = new SimulatedHostScope("spr-pasid-off");
        Assert.Equal("Disabled;Enabled", sim.Read($"{Attribute}/possible_values"));

        sim.Host.WriteAttribute($"{Attribute}/current_value", "Enabled\n");

        Assert.Equal("1", sim.Read(Pending));
        Assert.Equal("3ee9e86f050df", sim.Read("/sys/class/iommu/dmar3/intel-iommu/ecap"));
        Assert.False(sim.Host.Exists("/sys/class/mdev_bus/0000:16:00.0"));

        sim.Host.Reboot();

        Assert.Equal("0", sim.Read(Pending));
        Assert.Equal("Enabled", sim.Read($"{Attribute}/current_value"));
        Assert.Equal("3ef9ee6f050df", sim.Read("/sys/class/iommu/dmar3/intel-iommu/ecap"));
        Assert.Equal("ivdcm", sim.Read(SimulatedHostScope.Available("0000:16:00.0", "ice-vdcm")));
    }

    [Fact]
    public void VtdOffProfile_ExposesOnlyTheVtdSwitch_AndBootsWithoutRemappingUnitsUntilItIsEnabled()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810-vtd-off");
        const string Attributes = "/sys/class/firmware-attributes/hdiov-sim-bios/attributes";

        Assert.Equal(["VTdSupport", "pending_reboot"], sim.Host.ListDirectory(Attributes).Order(StringComparer.Ordinal));
        Assert.Equal("Disabled", sim.Read($"{Attributes}/VTdSupport/current_value"));
        Assert.False(sim.Host.Exists("/sys/firmware/acpi/tables/DMAR"));
        Assert.Empty(sim.Host.ListDirectory("/sys/class/iommu"));
        Assert.Empty(sim.Host.ListDirectory("/sys/kernel/iommu_groups"));
        Assert.DoesNotContain("intel_iommu", sim.Read("/proc/cmdline"), StringComparison.Ordinal);

        sim.Host.WriteAttribute($"{Attributes}/VTdSupport/current_value", "Enabled");
        Assert.Empty(sim.Host.ListDirectory("/sys/class/iommu"));
        sim.Host.Reboot();

        Assert.True(sim.Host.Exists("/sys/firmware/acpi/tables/DMAR"));
        Assert.NotEmpty(sim.Host.ListDirectory("/sys/kernel/iommu_groups"));
    }

    [Fact]
    public void BiosSetting_ValueNotInPossibleValues_FailsWithEinval_WritingBackTheBootedValueClearsPending()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        sim.WriteFails($"{Attribute}/current_value", "On", Errno.EINVAL);
        sim.Host.WriteAttribute($"{Attribute}/current_value", "Disabled");
        Assert.Equal("1", sim.Read(Pending));
        sim.Host.WriteAttribute($"{Attribute}/current_value", "Enabled");

        Assert.Equal("0", sim.Read(Pending));
        sim.WriteFails($"{Attribute}/possible_values", "Enabled", Errno.EACCES);
    }
}
