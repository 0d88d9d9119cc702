using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.BootLoaders;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Platform;

/// <summary>Kernel arguments through each boot loader: GRUB defaults, grubby on BLS entries, kernel-install with /etc/kernel/cmdline.</summary>
public sealed class BootLoaderTests
{
    private const string RhelEntry = "/boot/loader/entries/6b2f1d0c9e8a4f7b8c3d2e1f0a9b8c7d-5.14.0-362.8.1.el9_3.x86_64.conf";
    private const string SystemdBootEntry = "/boot/loader/entries/0f4e2d6c8a1b4c3d9e7f5a6b4c2d1e0f-5.15.0-91-generic.conf";

    [Theory]
    [InlineData("spr-qat-e810", BootLoaderKind.Grub, "intel_iommu=on,sm_on iommu=pt")]
    [InlineData("spr-qat-e810-rhel9", BootLoaderKind.Grubby, "root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap intel_iommu=on,sm_on rhgb quiet")]
    [InlineData("spr-qat-e810-systemd-boot", BootLoaderKind.KernelInstall, "root=UUID=6f1c3c2e-5a4b-4d7e-9a51-2b9e0c1d4f60 ro intel_iommu=on,sm_on quiet")]
    public void Observe_ReadsTheBootLoaderAndItsConfiguredCommandLine(string profile, BootLoaderKind kind, string configured)
    {
        using var sim = TemporarySimulatedHost.Create(profile);

        var platform = new HostObserver(sim.Host).Observe().Platform;

        Assert.Equal(kind, platform.BootLoader);
        Assert.Equal(configured, platform.BootCommandLine);
    }

    [Theory]
    [InlineData("spr-qat-e810")]
    [InlineData("spr-qat-e810-rhel9")]
    [InlineData("spr-qat-e810-systemd-boot")]
    public void MainExample_PlansApplyRebootReplan_ConvergesThroughTheHostsBootLoader(string profile)
    {
        var spec = MainExample();
        using var sim = TemporarySimulatedHost.Create(profile);
        var before = new HostObserver(sim.Host).Observe();
        var configured = before.Platform.BootCommandLine!;

        var plan = Planner.Plan(spec, before);
        var boot = Assert.Single(plan.Steps, s => s.Operation is SetBootArguments).Operation as SetBootArguments;
        var result = new Executor(sim.Host).Apply(plan);

        Assert.True(result.Converged);
        Assert.Equal(before.Platform.BootLoader, boot!.BootLoader);
        var after = result.FinalState.Platform.BootCommandLine!;
        Assert.Equal(boot.After, after);
        Assert.Equal(Tokens(configured), Tokens(after).Where(t => Tokens(configured).Contains(t)));
        Assert.Contains("iommu=pt", Tokens(after));
        Assert.Contains("hugepagesz=2M", Tokens(after));
        Assert.Single(Tokens(after), t => t.StartsWith("intel_iommu=", StringComparison.Ordinal));
        Assert.DoesNotContain("hugepagesz=2M", sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
        var pending = Planner.Plan(spec, result.FinalState);
        Assert.Empty(pending.Steps);
        Assert.Contains(pending.PendingReboot, p => p.Contains("hugepagesz=2M", StringComparison.Ordinal));

        sim.Host.Reboot();

        var booted = new HostObserver(sim.Host).Observe();
        Assert.Contains("hugepagesz=2M", booted.CommandLine.Tokens);
        Assert.Contains("iommu=pt", booted.CommandLine.Tokens);
        Assert.Equal(after, booted.Platform.BootCommandLine);
        var replan = Planner.Plan(spec, booted);
        Assert.Empty(replan.PendingReboot);
        Assert.DoesNotContain(replan.Steps, s => s.Operation is SetBootArguments);
        var again = new Executor(sim.Host).Apply(replan);
        Assert.True(again.Converged);
        Assert.Empty(Planner.Plan(spec, new HostObserver(sim.Host).Observe()).Steps);
    }

    [Fact]
    public void Grubby_WrongIntelIommuToken_IsReplacedInPlaceInEveryEntry_AndCarriedToTheFilesNewKernelsUse()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-rhel9");
        var older = RhelEntry.Replace("5.14.0-362.8.1.el9_3", "5.14.0-284.11.1.el9_2", StringComparison.Ordinal);
        sim.Host.WriteFile(older, sim.Host.ReadText(RhelEntry).Replace("5.14.0-362.8.1.el9_3", "5.14.0-284.11.1.el9_2", StringComparison.Ordinal));
        var spec = Specs.Host("spr-node-01") with { Platform = PlatformSpec.Empty with { Iommu = new IommuSpec(IommuMode.Legacy, false) } };
        var state = new HostObserver(sim.Host).Observe();

        var plan = Planner.Plan(spec, state);

        var step = Assert.Single(plan.Steps);
        Assert.Equal(
            new SetBootArguments(state.Platform.BootCommandLine!, state.Platform.BootCommandLine!.Replace("intel_iommu=on,sm_on", "intel_iommu=on,sm_off", StringComparison.Ordinal), BootLoaderKind.Grubby),
            step.Operation);
        Assert.Contains("grubby --update-kernel=ALL", step.Operation.Describe(), StringComparison.Ordinal);
        var result = new Executor(sim.Host).Apply(plan);

        Assert.True(result.Converged);
        foreach (var entry in new[] { RhelEntry, older })
        {
            var options = Options(sim.Host.ReadText(entry));
            Assert.Equal(((SetBootArguments)step.Operation).After, options);
        }

        Assert.Contains("intel_iommu=on,sm_off rhgb quiet", sim.Host.ReadText("/etc/kernel/cmdline"), StringComparison.Ordinal);
        Assert.Contains("rd.lvm.lv=rhel/swap intel_iommu=on,sm_off\"", sim.Host.ReadText("/etc/default/grub"), StringComparison.Ordinal);
        Assert.Empty(Planner.Plan(spec, result.FinalState).Steps);
        sim.Host.Reboot();
        Assert.Contains("intel_iommu=on,sm_off", new HostObserver(sim.Host).Observe().CommandLine.Tokens);
    }

    [Fact]
    public void KernelInstall_WritesEtcKernelCmdline_AndReinstallsTheRunningKernel()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-systemd-boot");
        var spec = Specs.Host("spr-node-01") with { Platform = PlatformSpec.Empty with { KernelArgs = ["hugepagesz=1G", "intel_iommu=on,sm_on"] } };

        var plan = Planner.Plan(spec, new HostObserver(sim.Host).Observe());
        var step = Assert.Single(plan.Steps);
        Assert.Contains("kernel-install add", step.Operation.Describe(), StringComparison.Ordinal);
        new Executor(sim.Host).Apply(plan);

        Assert.Equal("root=UUID=6f1c3c2e-5a4b-4d7e-9a51-2b9e0c1d4f60 ro intel_iommu=on,sm_on quiet hugepagesz=1G\n", sim.Host.ReadText("/etc/kernel/cmdline"));
        Assert.Equal(
            "root=UUID=6f1c3c2e-5a4b-4d7e-9a51-2b9e0c1d4f60 ro intel_iommu=on,sm_on quiet hugepagesz=1G systemd.machine_id=0f4e2d6c8a1b4c3d9e7f5a6b4c2d1e0f",
            Options(sim.Host.ReadText(SystemdBootEntry)));
        Assert.DoesNotContain("hugepagesz=1G", sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
        sim.Host.Reboot();
        Assert.Contains("hugepagesz=1G", new HostObserver(sim.Host).Observe().CommandLine.Tokens);
        Assert.Empty(Planner.Plan(spec, new HostObserver(sim.Host).Observe()).Steps);
    }

    [Fact]
    public void Plan_HostWithoutAnyBootLoaderConfiguration_IsRefusedWithHdiov2012_AndNothingChanges()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-systemd-boot");
        sim.Host.DeleteFile("/etc/kernel/cmdline");
        var spec = Specs.Host("spr-node-01") with { Platform = PlatformSpec.Empty with { KernelArgs = ["hugepagesz=1G"] } };
        var state = new HostObserver(sim.Host).Observe();

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, state));

        Assert.Equal(BootLoaderKind.None, state.Platform.BootLoader);
        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("HDIOV2012", diagnostic.Code);
        Assert.Equal("spec.platform", diagnostic.KeyPath);
        Assert.Contains("hugepagesz=1G", diagnostic.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    [Fact]
    public void Plan_GrubbyHost_ThatWasChangedBehindTheEnginesBack_IsStale()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-rhel9");
        var spec = Specs.Host("spr-node-01") with { Platform = PlatformSpec.Empty with { KernelArgs = ["hugepagesz=1G"] } };
        var plan = Planner.Plan(spec, new HostObserver(sim.Host).Observe());
        Assert.Equal(0, sim.Host.Run("grubby", ["--update-kernel=ALL", "--args=nosmt"]).ExitCode);

        Assert.Throws<StalePlanException>(() => new Executor(sim.Host).Apply(plan));

        Assert.DoesNotContain("hugepagesz=1G", sim.Host.ReadText(RhelEntry), StringComparison.Ordinal);
    }

    private static HostSpec MainExample()
    {
        var loaded = SpecLoader.LoadFile(HdIov.Engine.Tests.Execution.ExampleConvergeTests.RepositoryFile("examples/spr-qat-e810/host.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        return loaded.Spec!;
    }

    private static string[] Tokens(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Options(string entry) =>
        entry.Split('\n').Single(l => l.StartsWith("options", StringComparison.Ordinal))["options".Length..].Trim();
}
