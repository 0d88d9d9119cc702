using HdIov.Engine.Interop;
using static HdIov.Engine.Tests.Simulation.SimulatedHostScope;

namespace HdIov.Engine.Tests.Simulation;

[Trait("Category", "Simulation")]
public sealed class MdevKernelModelTests
{
    private const string Uuid = "3b2f6c1e-9f0a-4c55-8e21-6f0b1a2c3d4e";

    [Fact]
    public void Create_ValidUuid_AppearsOnBusWithTypeGroupAndVfioNode()
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-2"), Uuid + "\n");

        Assert.Equal("/sys/devices/virtual/mtty/mtty/" + Uuid, sim.Host.ResolvePath($"/sys/bus/mdev/devices/{Uuid}"));
        Assert.Equal("/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2", sim.Host.ResolvePath($"/sys/bus/mdev/devices/{Uuid}/mdev_type"));
        var group = Path.GetFileName(sim.Host.ResolvePath($"/sys/bus/mdev/devices/{Uuid}/iommu_group"));
        Assert.True(sim.Host.Exists($"/dev/vfio/{group}"));
        Assert.True(sim.Host.Exists($"/sys/kernel/iommu_groups/{group}/devices/{Uuid}"));
        Assert.Equal("22", sim.Read(Available("mtty", "mtty-1")));
        Assert.Equal("11", sim.Read(Available("mtty", "mtty-2")));
    }

    [Theory]
    [InlineData("3b2f6c1e-9f0a-4c55-8e21-6f0b1a2c3d4")]
    [InlineData("3b2f6c1e-9f0a-4c55-8e21-6f0b1a2c3d4e\n\n")]
    [InlineData("3b2f6c1e_9f0a-4c55-8e21-6f0b1a2c3d4e")]
    [InlineData("zb2f6c1e-9f0a-4c55-8e21-6f0b1a2c3d4e")]
    public void Create_MalformedUuid_FailsWithEinvalAndCreatesNothing(string value)
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        sim.WriteFails(TypeCreate("mtty", "mtty-1"), value, Errno.EINVAL);

        Assert.Empty(sim.Host.ListDirectory("/sys/bus/mdev/devices"));
        Assert.Equal("24", sim.Read(Available("mtty", "mtty-1")));
    }

    [Fact]
    public void Create_UuidAlreadyUsed_FailsWithEexist()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), Uuid);

        sim.WriteFails(TypeCreate("mtty", "mtty-2"), Uuid.ToUpperInvariant(), Errno.EEXIST);
    }

    [Fact]
    public void Create_MttyPortsExhausted_FailsWithEnospc()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        for (var i = 0; i < 12; i++)
        {
            sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-2"), Guid.NewGuid().ToString());
        }

        Assert.Equal("0", sim.Read(Available("mtty", "mtty-1")));
        sim.WriteFails(TypeCreate("mtty", "mtty-1"), Guid.NewGuid().ToString(), Errno.ENOSPC);
    }

    [Fact]
    public void Remove_NonNumber_Einval_Zero_NoOp_One_Removes()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), Uuid);
        var remove = $"/sys/bus/mdev/devices/{Uuid}/remove";

        sim.WriteFails(remove, "yes", Errno.EINVAL);
        sim.Host.WriteAttribute(remove, "0");
        Assert.True(sim.Host.Exists($"/sys/bus/mdev/devices/{Uuid}"));

        sim.Host.WriteAttribute(remove, "1\n");

        Assert.False(sim.Host.Exists($"/sys/bus/mdev/devices/{Uuid}"));
        Assert.False(sim.Host.Exists($"/sys/devices/virtual/mtty/mtty/{Uuid}"));
        Assert.Equal("24", sim.Read(Available("mtty", "mtty-1")));
    }

    [Fact]
    public void IceVdcm_AvailableInstancesPrintsIvdcm_AndNameIsParentBdf()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        Assert.Equal("ivdcm", sim.Read(Available("0000:16:00.0", "ice-vdcm")));
        Assert.Equal("0000:16:00.1", sim.Read("/sys/class/mdev_bus/0000:16:00.1/mdev_supported_types/ice-vdcm/name"));
        Assert.Equal("vfio-pci", sim.Read("/sys/class/mdev_bus/0000:16:00.1/mdev_supported_types/ice-vdcm/device_api"));
    }

    [Fact]
    public void IceVdcm_BudgetOf758SharedByBothPorts_ThenEnomem()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        for (var i = 0; i < 758; i++)
        {
            sim.Host.WriteAttribute(TypeCreate(i % 2 == 0 ? "0000:16:00.0" : "0000:16:00.1", "ice-vdcm"), Guid.NewGuid().ToString());
        }

        sim.WriteFails(TypeCreate("0000:16:00.1", "ice-vdcm"), Guid.NewGuid().ToString(), Errno.ENOMEM);
        sim.WriteFails(TypeCreate("0000:16:00.0", "ice-vdcm"), Guid.NewGuid().ToString(), Errno.ENOMEM);
        Assert.Equal(758, sim.Host.ListDirectory("/sys/bus/mdev/devices").Count);
    }

    [Fact]
    public void IceVdcm_PasidOffIommu_ParentNotRegistered()
    {
        using var sim = new SimulatedHostScope("spr-pasid-off");

        Assert.False(sim.Host.Exists("/sys/class/mdev_bus/0000:16:00.0"));
        Assert.Equal("3ee9e86f050df", sim.Read("/sys/class/iommu/dmar0/intel-iommu/ecap"));
    }
}
