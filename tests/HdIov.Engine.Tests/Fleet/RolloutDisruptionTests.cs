using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Tests.Fleet;

/// <summary>
/// What a rollout may disrupt: never more than <c>maxUnavailable</c> hosts at once (rebooting, or with a VM's device
/// touched), whatever the throttle; and a host whose plan would take a device from a VM or process is refused or
/// skipped as <c>onHeldDevice</c> says, with the holder in its result and nothing changed on it.
/// </summary>
public sealed class RolloutDisruptionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void No_more_hosts_than_maxUnavailable_are_disrupted_at_once_whatever_the_throttle(int maxUnavailable)
    {
        // Four hosts whose plans stop at a reboot barrier (disruptive) and two that only add VDEVs (not), all in one
        // wave that the throttle would run at once.
        var hosts = Enumerable.Range(1, 4).Select(i => ($"boot-{i}", "mtty-lab", "boot", 1))
            .Concat(Enumerable.Range(1, 2).Select(i => ($"lab-{i}", "mtty-lab", "lab", 2)));
        using var fleet = new RolloutFleet(hosts, $"  strategy: {{ waves: [6], throttle: 6, maxUnavailable: {maxUnavailable}, reboot: {{ policy: whenNeeded, maxPerHost: 1 }} }}\n");
        var recorder = new DisruptionRecorder(maxUnavailable);

        var summary = fleet.Rollout(targets: host => new RecordingTarget(RolloutFleet.Local(host), recorder)).Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Completed, summary.Outcome);
        Assert.All(summary.Hosts, h => Assert.Equal(HostRolloutStatus.Converged, h.Status));
        Assert.All(summary.Hosts.Where(h => h.HostName.StartsWith("boot-", StringComparison.Ordinal)), h => Assert.Equal(1, h.Reboots));
        Assert.Equal(4, recorder.Disrupted.Count);
        // The limit is reached (the recorder holds each disruption open long enough for another to join), never passed.
        Assert.Equal(maxUnavailable, recorder.Peak);
        // The hosts that disrupt nothing are not held back by the limit: they converge while disruptive hosts are in flight.
        Assert.Contains(recorder.ConvergedBeside, pair => pair.Host.StartsWith("lab-", StringComparison.Ordinal) && pair.Disrupted > 0);
    }

    [Fact]
    public void A_host_whose_plan_would_remove_a_VDEV_a_process_holds_fails_under_refuse_naming_the_holder_and_is_unchanged()
    {
        using var fleet = HeldFleet("refuse");
        var before = DeviceState(fleet);

        var summary = fleet.Rollout().Run(CancellationToken.None);

        var held = summary.Hosts.Single(h => h.HostName == "held-1");
        Assert.Equal((HostRolloutStatus.Failed, "HDIOV2023", FailureCause.ApplyFailed), (held.Status, held.ErrorCode, held.Cause));
        Assert.Contains("process 4321", held.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState(fleet));
        // A refusal is a failure: the per-wave budget of none stops the rollout before lab-1.
        Assert.Equal(RolloutOutcome.Halted, summary.Outcome);
        Assert.Equal(HostRolloutStatus.Skipped, summary.Hosts.Single(h => h.HostName == "lab-1").Status);
    }

    [Fact]
    public void A_host_whose_plan_would_remove_a_VDEV_a_process_holds_is_skipped_under_skip_with_the_reason_and_the_rollout_goes_on()
    {
        using var fleet = HeldFleet("skip");
        var before = DeviceState(fleet);

        var summary = fleet.Rollout().Run(CancellationToken.None);

        var held = summary.Hosts.Single(h => h.HostName == "held-1");
        Assert.Equal((HostRolloutStatus.Skipped, "HDIOV2023", (FailureCause?)null), (held.Status, held.ErrorCode, held.Cause));
        Assert.StartsWith("left unchanged (onHeldDevice: skip): ", held.Message, StringComparison.Ordinal);
        Assert.Contains("process 4321", held.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState(fleet));
        Assert.Equal(RolloutOutcome.Completed, summary.Outcome);
        Assert.Equal(HostRolloutStatus.Converged, summary.Hosts.Single(h => h.HostName == "lab-1").Status);
        Assert.Equal(0, summary.Failures.Total);
    }

    /// <summary>held-1's VDEVs and the engine's files about them (the rollout lock's files come and go).</summary>
    private static string DeviceState(RolloutFleet fleet)
    {
        var host = fleet.Simulated["held-1"];
        var devices = host.ListDirectory("/sys/bus/mdev/devices").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, devices.Count);
        var engineFiles = host.ListDirectory("/var/lib/hdiov").Where(f => !f.StartsWith("rollout.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        return string.Join(",", devices) + string.Concat(engineFiles.Select(f => $"\n--- {f}\n" + (host.IsDirectory($"/var/lib/hdiov/{f}") ? "(folder)" : host.ReadText($"/var/lib/hdiov/{f}"))));
    }

    /// <summary>
    /// held-1 converged to two VDEVs that a hand-started QEMU (pid 4321) holds, its spec now asking for one; lab-1 in the
    /// next wave with a change of its own; no failure allowed per wave.
    /// </summary>
    private static RolloutFleet HeldFleet(string policy)
    {
        var fleet = new RolloutFleet(
            [("held-1", "mtty-lab", "lab", 2), ("lab-1", "mtty-lab", "lab", 1)],
            $"  strategy: {{ waves: [1, 1], failureBudget: {{ perWave: {{ any: 0 }} }}, onHeldDevice: {policy} }}\n");
        try
        {
            Assert.Equal(RolloutOutcome.Completed, fleet.Rollout().Run(CancellationToken.None).Outcome);
            var host = fleet.Simulated["held-1"];
            var devices = host.ListDirectory("/sys/bus/mdev/devices");
            Assert.Equal(2, devices.Count);
            var proc = Path.Combine(fleet.Directory, "held-1", "proc", "4321");
            Directory.CreateDirectory(proc);
            File.WriteAllText(Path.Combine(proc, "cmdline"), "qemu-system-x86_64\0-m\0512\0" + string.Concat(devices.Select(d => $"-device\0vfio-pci,sysfsdev=/sys/bus/mdev/devices/{d}\0")));
            fleet.Rewrite("role: lab }, values: { ports: 2 }", "role: lab }, values: { ports: 1 }");
            fleet.Rewrite("name: lab-1, transport: { local: { root: ./lab-1 } }, labels: { role: lab }, values: { ports: 1 }", "name: lab-1, transport: { local: { root: ./lab-1 } }, labels: { role: lab }, values: { ports: 3 }");
            return fleet;
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Which hosts are disrupted at once. A host is disrupted from its first converge (its plan disrupts: here, a
    /// reboot) until a converge leaves nothing pending. A new disruption waits until the limit is reached (so the peak
    /// shows the limit was usable), then a moment longer for one more host to join: a rollout that let one more in
    /// would be caught doing so. A converge that disrupts nothing waits for a disruption to be under way, and records it.
    /// </summary>
    private sealed class DisruptionRecorder(int limit)
    {
        private static readonly TimeSpan FillWait = TimeSpan.FromSeconds(3);
        private static readonly TimeSpan JoinWait = TimeSpan.FromMilliseconds(300);
        private readonly Lock _gate = new();
        private readonly HashSet<string> _now = new(StringComparer.Ordinal);

        public HashSet<string> Disrupted { get; } = new(StringComparer.Ordinal);

        public int Peak { get; private set; }

        /// <summary>Each converge of a host that disrupts nothing, with the number of disrupted hosts at that moment.</summary>
        public List<(string Host, int Disrupted)> ConvergedBeside { get; } = [];

        public void Begin(string host)
        {
            lock (_gate)
            {
                if (!_now.Add(host))
                {
                    return;
                }

                Disrupted.Add(host);
                Peak = Math.Max(Peak, _now.Count);
            }

            WaitFor(() => _now.Count >= limit, FillWait);
            WaitFor(() => _now.Count > limit, JoinWait);
        }

        public void End(string host)
        {
            lock (_gate)
            {
                _now.Remove(host);
            }
        }

        public void Beside(string host)
        {
            WaitFor(() => _now.Count > 0, FillWait);
            lock (_gate)
            {
                ConvergedBeside.Add((host, _now.Count));
            }
        }

        private void WaitFor(Func<bool> condition, TimeSpan atMost)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < atMost)
            {
                lock (_gate)
                {
                    if (condition())
                    {
                        return;
                    }
                }

                Thread.Sleep(10);
            }
        }
    }

    /// <summary>The local target, telling the recorder when a host whose plan disrupts starts and stops being disrupted.</summary>
    private sealed class RecordingTarget(IFleetTarget inner, DisruptionRecorder recorder) : IFleetTarget
    {
        private bool _disrupts;

        public string HostName => inner.HostName;

        public void Connect(CancellationToken cancellationToken) => inner.Connect(cancellationToken);

        public IDisposable LockForRollout(string holder, CancellationToken cancellationToken) => inner.LockForRollout(holder, cancellationToken);

        public HostPlanReport Plan(string specYaml, CancellationToken cancellationToken)
        {
            var plan = inner.Plan(specYaml, cancellationToken);
            _disrupts = plan.NeedsReboot || plan.VmsTouched > 0 || plan.HighestDisruption >= Disruption.VmRestart;
            return plan;
        }

        public HostApplyReport Converge(string specYaml, CancellationToken cancellationToken)
        {
            if (!_disrupts)
            {
                recorder.Beside(HostName);
                return inner.Converge(specYaml, cancellationToken);
            }

            recorder.Begin(HostName);
            var applied = inner.Converge(specYaml, cancellationToken);
            if (!applied.PendingReboot)
            {
                recorder.End(HostName);
            }

            return applied;
        }

        public HostHealthReport CheckHealth(string specYaml, CancellationToken cancellationToken) => inner.CheckHealth(specYaml, cancellationToken);

        public HostHealthReport RunHealthCommand(HealthCheck check, CancellationToken cancellationToken) => inner.RunHealthCommand(check, cancellationToken);

        public string BootId(CancellationToken cancellationToken) => inner.BootId(cancellationToken);

        public void Reboot(CancellationToken cancellationToken) => inner.Reboot(cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
