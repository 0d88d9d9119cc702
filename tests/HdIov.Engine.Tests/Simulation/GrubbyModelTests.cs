using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Simulation;

/// <summary>The simulated grubby: what grubby-bls does to BLS entries' options lines.</summary>
public sealed class GrubbyModelTests
{
    private const string Entry = "/boot/loader/entries/6b2f1d0c9e8a4f7b8c3d2e1f0a9b8c7d-5.14.0-362.8.1.el9_3.x86_64.conf";

    [Theory]
    [InlineData("ro quiet", null, "iommu=pt", "ro quiet iommu=pt")]
    [InlineData("ro intel_iommu=on quiet", null, "intel_iommu=on,sm_on", "ro intel_iommu=on,sm_on quiet")]
    [InlineData("ro intel_iommu=on quiet", null, "iommu=pt", "ro intel_iommu=on quiet iommu=pt")]
    [InlineData("ro quiet nosmt", null, "nosmt", "ro quiet nosmt")]
    [InlineData("ro rhgb quiet", "rhgb", null, "ro quiet")]
    [InlineData("ro crashkernel=auto quiet", "crashkernel", null, "ro quiet")]
    [InlineData("ro crashkernel=auto quiet", "crashkernel=512M", null, "ro crashkernel=auto quiet")]
    [InlineData("ro rhgb quiet", "rhgb quiet", "console=ttyS0", "ro console=ttyS0")]
    public void UpdateArguments_ReplacesByKeyInPlace_AppendsTheRest_AndRemovesByKeyOrExactToken(string options, string? remove, string? add, string expected) =>
        Assert.Equal(expected, SimulatedBootLoader.UpdateArguments(options, remove, add));

    [Fact]
    public void Grubby_OnAHostWithoutIt_IsNotFound_AndUpdateGrubIsNotOnARhelHost()
    {
        using var debian = TemporarySimulatedHost.Create("mtty-lab");
        using var rhel = TemporarySimulatedHost.Create("spr-qat-e810-rhel9");

        Assert.Equal(127, debian.Host.Run("grubby", ["--update-kernel=ALL", "--args=nosmt"]).ExitCode);
        Assert.Equal(127, rhel.Host.Run("update-grub", []).ExitCode);
        Assert.Equal(127, rhel.Host.Run("kernel-install", ["add", "x", "/boot/x"]).ExitCode);
    }

    [Fact]
    public void Grubby_UnknownOptionOrKernel_FailsAndLeavesTheEntryAlone()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-rhel9");
        var before = sim.Host.ReadText(Entry);

        Assert.Equal(1, sim.Host.Run("grubby", ["--update-kernel=ALL", "--bogus"]).ExitCode);
        Assert.Equal(1, sim.Host.Run("grubby", ["--update-kernel=/boot/vmlinuz-9.9", "--args=nosmt"]).ExitCode);
        Assert.Equal(before, sim.Host.ReadText(Entry));

        Assert.Equal(0, sim.Host.Run("grubby", ["--update-kernel", "/boot/vmlinuz-5.14.0-362.8.1.el9_3.x86_64", "--args", "nosmt"]).ExitCode);
        Assert.Contains("rhgb quiet nosmt\n", sim.Host.ReadText(Entry), StringComparison.Ordinal);
        Assert.Contains("args=\"", sim.Host.Run("grubby", ["--info=ALL"]).StandardOutput, StringComparison.Ordinal);
    }
}
