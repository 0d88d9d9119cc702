using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Planning;

[Trait("Category", "Planning")]
public sealed class PlatformPlanningTests
{
    [Fact]
    public void Plan_BiosAttributeThatExposesPasid_IsABootStep_AndSiovWorksAfterTheReboot()
    {
        using var sim = TemporarySimulatedHost.Create("spr-pasid-off");
        var bios = new BiosSpec(
            BiosSource.FirmwareAttributes,
            ImmutableSortedDictionary<string, string>.Empty,
            new Dictionary<string, string> { ["PcieEnqCmdSupport"] = "Enabled" }.ToImmutableSortedDictionary(StringComparer.Ordinal));
        var platformOnly = Specs.Host("spr-node-01") with { Platform = PlatformSpec.Empty with { Bios = bios } };

        var plan = Planner.Plan(platformOnly, new HostObserver(sim.Host).Observe());

        var step = Assert.Single(plan.Steps);
        Assert.Equal(Disruption.HostReboot, step.Disruption);
        Assert.Equal(new SetFirmwareAttribute("hdiov-sim-bios", "PcieEnqCmdSupport", "Disabled", "Enabled"), step.Operation);
        var applied = new Executor(sim.Host).Apply(plan);
        var pending = Planner.Plan(platformOnly, applied.FinalState);
        Assert.Empty(pending.Steps);
        Assert.NotEmpty(pending.PendingReboot);
        Assert.Throws<PlanRejectedException>(() => Planner.Plan(Specs.SprQatE810(), applied.FinalState));

        sim.Host.Reboot();

        var state = new HostObserver(sim.Host).Observe();
        Assert.All(state.IommuUnits, u => Assert.True(u.Ecap.Pasid));
        Assert.Empty(Planner.Plan(platformOnly, state).PendingReboot);
        Assert.Contains(Planner.Plan(Specs.SprQatE810(), state).Steps, s => s.Operation is CreateMdev);
    }

    [Theory]
    [InlineData("hugepages=$(reboot)")]
    [InlineData("a\"b")]
    [InlineData("x;rm")]
    [InlineData("`id`")]
    public void Plan_KernelArgumentWithShellSyntax_IsRefused_AndGrubIsUntouched(string argument)
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Specs.MttyLab() with { Platform = PlatformSpec.Empty with { KernelArgs = [argument] } };
        var grub = sim.Host.ReadText("/etc/default/grub");

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, new HostObserver(sim.Host).Observe()));

        Assert.Contains(refused.Diagnostics, d => d.Code == "HDIOV1006" && d.KeyPath == "spec.platform.kernelArgs[0]");
        Assert.Equal(grub, sim.Host.ReadText("/etc/default/grub"));
    }

    [Fact]
    public void Plan_ScalableModeNotBooted_PlansTheBootStep_AndDefersSiovDevicesBehindTheReboot()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        sim.Host.WriteFile("/etc/default/grub", "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"quiet\"\n");
        sim.Host.Run("update-grub", []);
        sim.Host.Reboot();
        var spec = Specs.SprQatE810() with { Platform = PlatformSpec.Empty with { Iommu = new IommuSpec(IommuMode.Scalable, true) } };

        var plan = Planner.Plan(spec, new HostObserver(sim.Host).Observe());

        Assert.Equal(new SetBootArguments("quiet", "quiet intel_iommu=on,sm_on iommu=pt"), plan.Steps[^1].Operation);
        Assert.DoesNotContain(plan.Steps, s => s.Operation is CreateMdev create && create.Type.StartsWith("4xxx", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Message.Contains("planned after the reboot", StringComparison.Ordinal));
        new Executor(sim.Host).Apply(plan);
        sim.Host.Reboot();
        var after = new Executor(sim.Host).Apply(Planner.Plan(spec, new HostObserver(sim.Host).Observe()));
        Assert.Equal(12, after.FinalState.Mdevs.Count(m => m.Parent == "0000:6b:00.0"));
        Assert.Empty(Planner.Plan(spec, after.FinalState).Steps);
    }
}
