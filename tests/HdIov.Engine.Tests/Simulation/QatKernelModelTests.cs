using HdIov.Engine.Interop;
using static HdIov.Engine.Tests.Simulation.SimulatedHostScope;

namespace HdIov.Engine.Tests.Simulation;

[Trait("Category", "Simulation")]
public sealed class QatKernelModelTests
{
    private const string Pf0 = "0000:6b:00.0";

    [Fact]
    public void FreshHost_ConfigsInSriovMode_NoAdiTypes()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        Assert.Contains("[SIOV]\nNumberAdis = 0", sim.Host.ReadText("/etc/4xxx_dev7.conf"), StringComparison.Ordinal);
        Assert.Contains("[SSL]", sim.Host.ReadText("/etc/4xxx_dev0.conf"), StringComparison.Ordinal);
        Assert.False(sim.Host.Exists($"/sys/class/mdev_bus/{Pf0}"));
    }

    [Fact]
    public void Restart_WithAdis_RegistersOneTypePerServiceSplittingTheCount()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var result = sim.ConfigureQat(0, adis: 16, services: "asym;dc");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["4xxx-vqat_asym", "4xxx-vqat_dc"], sim.Host.ListDirectory($"/sys/class/mdev_bus/{Pf0}/mdev_supported_types"));
        Assert.Equal("8", sim.Read(Available(Pf0, "4xxx-vqat_asym")));
        Assert.Equal("4xxx-vqat_dc", sim.Read($"/sys/class/mdev_bus/{Pf0}/mdev_supported_types/4xxx-vqat_dc/name"));
        Assert.False(sim.Host.Exists("/sys/class/mdev_bus/0000:70:00.0"));
    }

    [Fact]
    public void Create_BeyondTypeCapacity_FailsWithEnospc()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        sim.ConfigureQat(0, adis: 4, services: "sym;asym");
        sim.Host.WriteAttribute(TypeCreate(Pf0, "4xxx-vqat_sym"), Guid.NewGuid().ToString());
        sim.Host.WriteAttribute(TypeCreate(Pf0, "4xxx-vqat_sym"), Guid.NewGuid().ToString());

        sim.WriteFails(TypeCreate(Pf0, "4xxx-vqat_sym"), Guid.NewGuid().ToString(), Errno.ENOSPC);
        Assert.Equal("2", sim.Read(Available(Pf0, "4xxx-vqat_asym")));
    }

    [Fact]
    public void Restart_DestroysEveryMdevOfThatPf()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        sim.ConfigureQat(0, adis: 16);
        var uuid = Guid.NewGuid().ToString();
        sim.Host.WriteAttribute(TypeCreate(Pf0, "4xxx-vqat_asym"), uuid);

        var result = sim.Host.Run("adf_ctl", ["qat_dev0", "restart"]);

        Assert.Equal(0, result.ExitCode);
        Assert.False(sim.Host.Exists($"/sys/bus/mdev/devices/{uuid}"));
        Assert.Equal("8", sim.Read(Available(Pf0, "4xxx-vqat_asym")));
    }

    [Fact]
    public void Restart_AdisPlusKernelBanksOver64_FailsAndLeavesNoTypes()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        sim.ConfigureQat(0, adis: 16);

        var result = sim.ConfigureQat(0, adis: 62, kernelCy: 4);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Not enough resource for ADI.", result.StandardError, StringComparison.Ordinal);
        Assert.False(sim.Host.Exists($"/sys/class/mdev_bus/{Pf0}"));
        Assert.Contains("bsf: 0000:6b:00.0,  #accel: 1 #engines: 9 state: down", sim.Host.Run("adf_ctl", ["status"]).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_Exactly64Banks_Succeeds()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var result = sim.ConfigureQat(0, adis: 60, services: "sym", kernelCy: 4);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("60", sim.Read(Available(Pf0, "4xxx-vqat_sym")));
    }

    [Fact]
    public void SriovNumvfs_WhileInSiovMode_FailsWithEbusy()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        sim.ConfigureQat(0, adis: 16);

        sim.WriteFails($"/sys/bus/pci/devices/{Pf0}/sriov_numvfs", "4", Errno.EBUSY);
        Assert.Equal("0", sim.Read($"/sys/bus/pci/devices/{Pf0}/sriov_numvfs"));
    }

    [Fact]
    public void AdiTypes_WhileVfsEnabled_ReportZeroAvailable_UntilVfsDisabled()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        var numvfs = $"/sys/bus/pci/devices/{Pf0}/sriov_numvfs";
        sim.Host.WriteAttribute(numvfs, "2");

        sim.ConfigureQat(0, adis: 8);

        Assert.Equal("0", sim.Read(Available(Pf0, "4xxx-vqat_dc")));
        sim.WriteFails(TypeCreate(Pf0, "4xxx-vqat_dc"), Guid.NewGuid().ToString(), Errno.ENOSPC);
        sim.Host.WriteAttribute(numvfs, "0");
        Assert.Equal("4", sim.Read(Available(Pf0, "4xxx-vqat_dc")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("qat_dev9 restart")]
    [InlineData("qat_dev0 explode")]
    public void AdfCtl_UnknownArguments_ExitOneWithUsage(string arguments)
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var result = sim.Host.Run("adf_ctl", arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Usage: adf_ctl", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownProgram_Exit127()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var result = sim.Host.Run("vqat_ctl", ["show"]);

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("command not found", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void PasidOffHost_RestartWithAdis_SucceedsButRegistersNoTypes()
    {
        using var sim = new SimulatedHostScope("spr-pasid-off");

        var result = sim.ConfigureQat(0, adis: 16);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Scalable IOV is not available", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.False(sim.Host.Exists($"/sys/class/mdev_bus/{Pf0}"));
    }
}
