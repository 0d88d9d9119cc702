using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Host;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Fleet;

public sealed class LocalFleetTargetTests
{
    private static readonly string LabSpec = FleetText.MttySpec.Replace("${host.name}", "template", StringComparison.Ordinal).Replace("${values.ports}", "2", StringComparison.Ordinal);

    [Fact]
    public void A_simulated_host_has_a_boot_id_that_a_reboot_changes_and_nobody_writes()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var first = sim.Host.ReadText(KernelPaths.BootId);

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$", first);
        Assert.Equal(first, sim.Host.ReadText(KernelPaths.BootId));
        sim.Host.Reboot();
        Assert.NotEqual(first, sim.Host.ReadText(KernelPaths.BootId));
        var refused = Assert.Throws<HostIoException>(() => sim.Host.WriteAttribute(KernelPaths.BootId, "00000000-0000-0000-0000-000000000000"));
        Assert.Contains("EACCES", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_target_plans_converges_and_checks_health()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var target = new LocalFleetTarget("lab-7", sim.Root);
        target.Connect(CancellationToken.None);

        var plan = target.Plan(LabSpec, CancellationToken.None);
        Assert.Empty(plan.Errors);
        Assert.Equal(2, plan.VdevsCreated);
        Assert.False(plan.NeedsReboot);
        Assert.NotEqual(string.Empty, plan.Shape.CpuModel);
        Assert.NotEmpty(plan.Shape.Families);
        Assert.False(target.CheckHealth(LabSpec, CancellationToken.None).Healthy);
        Assert.Equal(0, sim.Host.WriteCount);

        var applied = target.Converge(LabSpec, CancellationToken.None);
        Assert.True(applied.Converged, string.Join("; ", applied.Errors));
        Assert.True(applied.StepsDone >= 2);
        var health = target.CheckHealth(LabSpec, CancellationToken.None);
        Assert.True(health.Healthy, health.Reason);
        Assert.Equal(0, target.Plan(LabSpec, CancellationToken.None).Steps);
    }

    [Fact]
    public void A_kernel_argument_stops_at_the_reboot_barrier_and_converges_after_the_reboot()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var target = new LocalFleetTarget("boot-1", sim.Root);
        target.Connect(CancellationToken.None);

        Assert.True(target.Plan(RolloutFleet.BootSpec, CancellationToken.None).NeedsReboot);
        var first = target.Converge(RolloutFleet.BootSpec, CancellationToken.None);
        Assert.True(first.PendingReboot);
        Assert.False(first.Converged);
        var before = target.BootId(CancellationToken.None);

        target.Reboot(CancellationToken.None);

        Assert.NotEqual(before, target.BootId(CancellationToken.None));
        Assert.Contains("hugepagesz=2M", sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
        Assert.True(target.Converge(RolloutFleet.BootSpec, CancellationToken.None).Converged);
        Assert.True(target.CheckHealth(RolloutFleet.BootSpec, CancellationToken.None).Healthy);
    }

    [Fact]
    public void A_second_rollout_lock_names_the_holder_and_the_lock_is_free_after_release()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var first = new LocalFleetTarget("lab-1", sim.Root);
        using var second = new LocalFleetTarget("lab-1", sim.Root);
        first.Connect(CancellationToken.None);
        second.Connect(CancellationToken.None);

        using (first.LockForRollout("rollout A of ops@ci", CancellationToken.None))
        {
            var locked = Assert.Throws<FleetTargetLockedException>(() => second.LockForRollout("rollout B", CancellationToken.None));
            Assert.Equal("rollout A of ops@ci", locked.Holder);
            Assert.Contains("rollout A of ops@ci", locked.Message, StringComparison.Ordinal);
        }

        second.LockForRollout("rollout B", CancellationToken.None).Dispose();
    }

    [Fact]
    public void A_root_that_does_not_exist_is_unreachable()
    {
        using var target = new LocalFleetTarget("gone", Path.Combine(Path.GetTempPath(), "hdiov-no-such-" + Guid.NewGuid().ToString("N")));

        var unreachable = Assert.Throws<FleetTargetUnreachableException>(() => target.Connect(CancellationToken.None));
        Assert.Equal("gone", unreachable.HostName);
        Assert.Contains("does not exist", unreachable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_health_command_passes_on_exit_0_fails_otherwise_and_is_killed_at_its_timeout()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var target = new LocalFleetTarget("lab-1", sim.Root);
        target.Connect(CancellationToken.None);

        Assert.True(target.RunHealthCommand(new HealthCheck("test -d \"$HDIOV_HOST_ROOT/sys\"", TimeSpan.FromSeconds(10)), CancellationToken.None).Healthy);
        var failed = target.RunHealthCommand(new HealthCheck("echo no quorum >&2; exit 3", TimeSpan.FromSeconds(10)), CancellationToken.None);
        Assert.False(failed.Healthy);
        Assert.Equal("the health command exited with 3: no quorum", failed.Reason);
        var slow = target.RunHealthCommand(new HealthCheck("sleep 30", TimeSpan.FromMilliseconds(300)), CancellationToken.None);
        Assert.False(slow.Healthy);
        Assert.Contains("did not finish within", slow.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rendered_spec_text_is_what_the_host_spec_loads_from()
    {
        using var files = new FleetText();
        files.Write("mtty.yaml", FleetText.MttySpec);
        var fleet = files.Valid(FleetText.LocalFleet(1));
        var host = RolloutHost.Render(FleetAssignment.Assign(fleet).Hosts[0]);

        Assert.Contains("mtty-1: 2", host.SpecText, StringComparison.Ordinal);
        Assert.Contains("name: h001", host.SpecText, StringComparison.Ordinal);
        Assert.Equal(RolloutHost.Hash(host.SpecText!), host.SpecHash);
        Assert.StartsWith("sha256:", host.SpecHash, StringComparison.Ordinal);
    }
}
