using System.Diagnostics;
using System.Xml.Linq;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Host;

namespace HdIov.Engine.Tests.Fleet;

public sealed class FleetRolloutTests
{
    private const string Strategy = """
          strategy:
            waves: [1, 3, 2, 1]
            throttle: 2
            maxUnavailable: 2
            failureBudget:
              perWave: { unreachable: 1, applyFailed: 0, healthFailed: 0 }
              fleet: { any: 3 }
            reboot: { policy: whenNeeded, maxPerHost: 1 }
            timeouts: { connect: 10s, host: 5m }
        """;

    private static IEnumerable<(string, string, string, int)> Seven(bool badSpec = true) =>
    [
        ("lab-1", "mtty-lab", "lab", 2),
        ("accel-1", "spr-qat-e810", "accel", 1),
        ("lab-2", "mtty-lab", "lab", 3),
        ("gone-1", string.Empty, "lab", 1),
        ("boot-1", "mtty-lab", "boot", 1),
        ("bad-1", "mtty-lab", "lab", badSpec ? 999 : 1),
        ("lab-3", "mtty-lab", "lab", 4),
    ];

    [Fact]
    public void A_budget_halts_at_the_wave_it_is_exceeded_and_a_resume_after_the_fix_leaves_converged_hosts_alone()
    {
        using var fleet = new RolloutFleet(Seven(), Strategy);
        var bootBefore = fleet.Simulated["boot-1"].ReadText(KernelPaths.BootId);
        var finished = new List<HostRolloutResult>();
        var options = fleet.Reports() with { HostFinished = r => { lock (finished) { finished.Add(r); } } };

        var summary = fleet.Rollout(options).Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Halted, summary.Outcome);
        Assert.Equal(3, summary.HaltedAtWave);
        Assert.Contains("per-wave failure budget 'applyFailed' (0 hosts) was exceeded at wave 3", summary.HaltReason, StringComparison.Ordinal);
        var byName = summary.Hosts.ToDictionary(h => h.HostName);
        Assert.Equal(7, byName.Count);
        Assert.Equal(7, finished.Count);
        Assert.Equal((HostRolloutStatus.Converged, 1), (byName["lab-1"].Status, byName["lab-1"].Wave));
        Assert.Equal((HostRolloutStatus.Converged, 2), (byName["accel-1"].Status, byName["accel-1"].Wave));
        Assert.Equal(HostRolloutStatus.Converged, byName["lab-2"].Status);
        Assert.Equal((HostRolloutStatus.Unreachable, FleetDiagnosticCodes.HostUnreachable, FailureCause.Unreachable), (byName["gone-1"].Status, byName["gone-1"].ErrorCode, byName["gone-1"].Cause));
        Assert.Equal((HostRolloutStatus.Converged, 1, false, 3), (byName["boot-1"].Status, byName["boot-1"].Reboots, byName["boot-1"].PendingReboot, byName["boot-1"].Wave));
        Assert.NotEqual(bootBefore, fleet.Simulated["boot-1"].ReadText(KernelPaths.BootId));
        Assert.Equal((HostRolloutStatus.Failed, FailureCause.ApplyFailed), (byName["bad-1"].Status, byName["bad-1"].Cause));
        Assert.StartsWith("HDIOV", byName["bad-1"].ErrorCode, StringComparison.Ordinal);
        Assert.Equal((HostRolloutStatus.Skipped, 4), (byName["lab-3"].Status, byName["lab-3"].Wave));
        Assert.StartsWith("halted: the per-wave failure budget", byName["lab-3"].Message, StringComparison.Ordinal);
        Assert.Equal(0, fleet.Writes("lab-3"));
        Assert.Equal(2, fleet.Writes("bad-1")); // the rollout lock's holder file, written and removed; no device touched
        Assert.Empty(fleet.Simulated["bad-1"].ListDirectory("/sys/bus/mdev/devices"));
        Assert.False(fleet.Simulated["bad-1"].Exists(KernelPaths.RolloutHolder));
        Assert.All(new[] { "lab-1", "accel-1", "lab-2", "boot-1" }, h => Assert.True(fleet.Writes(h) > 0));

        var junit = XDocument.Load(fleet.PathOf("junit.xml"));
        JUnitSchema.AssertValid(fleet.PathOf("junit.xml"));
        Assert.Equal(7, junit.Descendants("testcase").Count());
        Assert.Equal(4, junit.Descendants("testsuite").Count());
        Assert.Equal("fleet.lab", Case(junit, "gone-1").Attribute("classname")!.Value);
        Assert.NotNull(Case(junit, "gone-1").Element("error"));
        Assert.NotNull(Case(junit, "bad-1").Element("failure"));
        Assert.StartsWith("halted:", Case(junit, "lab-3").Element("skipped")!.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.All(junit.Descendants("testsuite"), s => Assert.NotNull(s.Attribute("hostname")));
        Assert.All(junit.Descendants("testsuite"), s => Assert.NotNull(s.Attribute("timestamp")));
        Assert.Contains("per-wave failure budget", File.ReadAllText(fleet.PathOf("summary.md")), StringComparison.Ordinal);

        var (journal, refusal) = RolloutJournal.Read(fleet.PathOf("journal.json"));
        Assert.Null(refusal);
        Assert.Equal("Halted", journal!.Outcome);
        Assert.Equal(summary.RolloutId, journal.RolloutId);
        Assert.Equal(fleet.Rollout().Hosts.Single(h => h.Name == "lab-1").SpecHash, journal.Hosts.Single(h => h.Name == "lab-1").SpecHash);

        // The fix: bad-1 asks for one port. Its spec hash changes; the converged hosts' do not.
        fleet.Rewrite("name: bad-1, transport: { local: { root: ./bad-1 } }, labels: { role: lab }, values: { ports: 999 }", "name: bad-1, transport: { local: { root: ./bad-1 } }, labels: { role: lab }, values: { ports: 1 }");
        var untouched = new[] { "lab-1", "accel-1", "lab-2", "boot-1" }.ToDictionary(h => h, fleet.Writes);
        var ledgers = untouched.Keys.ToDictionary(h => h, h => fleet.Simulated[h].ReadText("/var/lib/hdiov/ledger.json"));

        var resumed = fleet.Rollout(fleet.Reports() with { Resume = journal }).Run(CancellationToken.None);

        var after = resumed.Hosts.ToDictionary(h => h.HostName);
        Assert.Equal(RolloutOutcome.Completed, resumed.Outcome);
        Assert.Equal(HostRolloutStatus.Converged, after["bad-1"].Status);
        Assert.Equal(HostRolloutStatus.Converged, after["lab-3"].Status);
        Assert.Equal(HostRolloutStatus.Unreachable, after["gone-1"].Status);
        Assert.All(untouched, pair =>
        {
            Assert.Equal(HostRolloutStatus.Unchanged, after[pair.Key].Status);
            Assert.Contains("not contacted", after[pair.Key].Message, StringComparison.Ordinal);
            Assert.Equal(pair.Value, fleet.Writes(pair.Key));
            Assert.Equal(ledgers[pair.Key], fleet.Simulated[pair.Key].ReadText("/var/lib/hdiov/ledger.json"));
        });
        JUnitSchema.AssertValid(fleet.PathOf("junit.xml"));
        Assert.Equal(journal.RolloutId, RolloutJournal.Read(fleet.PathOf("journal.json")).Journal!.ResumedFrom);
    }

    [Fact]
    public void A_rollout_cancelled_mid_wave_leaves_a_journal_it_resumes_from()
    {
        using var fleet = new RolloutFleet(Seven(badSpec: false).Where(h => h.Item3 == "lab" && h.Item2.Length > 0), "  strategy: { waves: [4], throttle: 1 }\n");
        using var cancel = new CancellationTokenSource();
        IFleetTarget Targets(FleetHost host) =>
            host.Name == "lab-2" ? new CancellingTarget(RolloutFleet.Local(host), cancel) : RolloutFleet.Local(host);

        var killed = fleet.Rollout(targets: Targets).Run(cancel.Token);

        Assert.Equal(RolloutOutcome.Cancelled, killed.Outcome);
        var (journal, _) = RolloutJournal.Read(fleet.PathOf("journal.json"));
        Assert.Equal(["Converged", "Halted", "Skipped", "Skipped"], journal!.Hosts.Select(h => h.Status));
        Assert.Equal(["lab-1", "lab-2", "bad-1", "lab-3"], journal.Hosts.Select(h => h.Name));
        var lab1Writes = fleet.Writes("lab-1");

        var resumed = fleet.Rollout(fleet.Reports() with { Resume = journal }).Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Completed, resumed.Outcome);
        Assert.Equal(
            [HostRolloutStatus.Unchanged, HostRolloutStatus.Converged, HostRolloutStatus.Converged, HostRolloutStatus.Converged],
            resumed.Hosts.Select(h => h.Status));
        Assert.Equal(lab1Writes, fleet.Writes("lab-1"));
    }

    [Fact]
    public void A_second_rollout_of_a_locked_host_fails_it_naming_the_first()
    {
        using var fleet = new RolloutFleet([("lab-1", "mtty-lab", "lab", 1)], "  strategy: { waves: [1] }\n");
        using var first = new LocalFleetTarget("lab-1", fleet.PathOf("lab-1"));
        first.Connect(CancellationToken.None);
        using var held = first.LockForRollout("rollout 20261207-a of ops@deploy-1", CancellationToken.None);

        var summary = fleet.Rollout().Run(CancellationToken.None);

        var host = Assert.Single(summary.Hosts);
        Assert.Equal((HostRolloutStatus.Failed, FleetDiagnosticCodes.HostLockedByRollout), (host.Status, host.ErrorCode));
        Assert.Contains("rollout 20261207-a of ops@deploy-1", host.Message, StringComparison.Ordinal);
        Assert.Equal(1, fleet.Writes("lab-1")); // the first rollout's holder file, and nothing of the second
    }

    [Fact]
    public void A_manual_gate_stops_after_a_wave_and_a_resume_passes_it()
    {
        using var fleet = new RolloutFleet(Seven(badSpec: false).Where(h => h.Item3 == "lab" && h.Item2.Length > 0).Take(2), "  strategy: { waves: [1], pause: manual }\n");

        var stopped = fleet.Rollout().Run(CancellationToken.None);

        Assert.Equal((RolloutOutcome.HaltedAtGate, 1), (stopped.Outcome, stopped.HaltedAtWave));
        Assert.Equal([HostRolloutStatus.Converged, HostRolloutStatus.Skipped], stopped.Hosts.Select(h => h.Status));
        Assert.Contains("manual gate after wave 1", stopped.Hosts[1].Message, StringComparison.Ordinal);
        Assert.Equal(0, fleet.Writes("lab-2"));

        var resumed = fleet.Rollout(fleet.Reports() with { Resume = RolloutJournal.Read(fleet.PathOf("journal.json")).Journal }).Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Completed, resumed.Outcome);
        Assert.Equal([HostRolloutStatus.Unchanged, HostRolloutStatus.Converged], resumed.Hosts.Select(h => h.Status));
    }

    [Fact]
    public void Without_reboots_allowed_a_host_waits_for_its_reboot_or_fails_when_its_reboots_are_spent()
    {
        using (var never = new RolloutFleet([("boot-1", "mtty-lab", "boot", 1)], "  strategy: { waves: [1] }\n"))
        {
            var host = Assert.Single(never.Rollout().Run(CancellationToken.None).Hosts);
            Assert.Equal((HostRolloutStatus.Converged, true, 0), (host.Status, host.PendingReboot, host.Reboots));
        }

        using var spent = new RolloutFleet([("boot-1", "mtty-lab", "boot", 1)], "  strategy: { waves: [1], reboot: { policy: whenNeeded, maxPerHost: 0 } }\n");
        var failed = Assert.Single(spent.Rollout().Run(CancellationToken.None).Hosts);
        Assert.Equal((HostRolloutStatus.Failed, FleetDiagnosticCodes.HostNotConverged, true), (failed.Status, failed.ErrorCode, failed.PendingReboot));
    }

    [Fact]
    public void Hardware_canaries_take_one_host_of_each_shape_first()
    {
        using var fleet = new RolloutFleet(Seven(badSpec: false).Where(h => h.Item2.Length > 0), "  strategy: { waves: [2], canaries: hardware, throttle: 3 }\n");
        var rollout = fleet.Rollout();

        var summary = rollout.Run(CancellationToken.None);

        Assert.Equal(["lab-1", "accel-1"], rollout.Waves[0].Hosts.Select(h => h.Host.Name));
        Assert.True(rollout.Waves[0].IsCanary);
        Assert.Equal(RolloutOutcome.Completed, summary.Outcome);
    }

    [Fact]
    public void A_resume_with_hardware_canaries_takes_its_canaries_from_the_hosts_it_rolls_out_not_from_those_it_leaves_alone()
    {
        using var fleet = new RolloutFleet(Seven(badSpec: false).Where(h => h.Item2.Length > 0 && h.Item3 != "boot"), "  strategy: { waves: [2], canaries: hardware, throttle: 3 }\n");
        var first = fleet.Rollout().Run(CancellationToken.None);
        Assert.Equal(RolloutOutcome.Completed, first.Outcome);
        // lab-2's spec changes: the resume rolls it out again and leaves the five others alone.
        fleet.Rewrite("name: lab-2, transport: { local: { root: ./lab-2 } }, labels: { role: lab }, values: { ports: 3 }", "name: lab-2, transport: { local: { root: ./lab-2 } }, labels: { role: lab }, values: { ports: 1 }");
        var resume = fleet.Rollout(fleet.Reports() with { Resume = RolloutJournal.Read(fleet.PathOf("journal.json")).Journal });

        var resumed = resume.Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Completed, resumed.Outcome);
        Assert.Equal(["lab-2"], resume.Waves[0].Hosts.Select(h => h.Host.Name));
        Assert.Equal(HostRolloutStatus.Converged, resumed.Hosts.Single(h => h.HostName == "lab-2").Status);
        Assert.All(resumed.Hosts.Where(h => h.HostName != "lab-2"), h => Assert.Equal(HostRolloutStatus.Unchanged, h.Status));
    }

    [Fact]
    public void A_host_that_fails_its_health_check_before_a_later_wave_counts_against_the_fleet_budget()
    {
        using var fleet = new RolloutFleet(Seven(badSpec: false).Where(h => h.Item3 == "lab" && h.Item2.Length > 0).Take(3), "  strategy: { waves: [1], failureBudget: { perWave: { any: 5 }, fleet: { healthFailed: 0 } } }\n");
        var rollout = fleet.Rollout(fleet.Reports() with
        {
            WaveStarted = wave =>
            {
                if (wave.Number == 1)
                {
                    return;
                }

                // Someone removes lab-1's VDEVs outside the rollout once wave 1 is done.
                foreach (var mdev in fleet.Simulated["lab-1"].ListDirectory("/sys/bus/mdev/devices"))
                {
                    fleet.Simulated["lab-1"].WriteAttribute($"/sys/bus/mdev/devices/{mdev}/remove", "1");
                }
            },
        });

        var summary = rollout.Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Halted, summary.Outcome);
        Assert.Equal(3, summary.HaltedAtWave);
        Assert.Equal(
            [HostRolloutStatus.Failed, HostRolloutStatus.Converged, HostRolloutStatus.Skipped],
            summary.Hosts.Select(h => h.Status));
        Assert.Contains("health check before wave 3", summary.Hosts[0].Message, StringComparison.Ordinal);
        Assert.Contains("fleet failure budget 'healthFailed'", summary.HaltReason, StringComparison.Ordinal);
    }

    private static XElement Case(XDocument junit, string host) => junit.Descendants("testcase").Single(c => c.Attribute("name")!.Value == host);

    /// <summary>A target whose converge stops the rollout, as Ctrl+C or a killed process would mid-apply.</summary>
    private sealed class CancellingTarget(IFleetTarget inner, CancellationTokenSource cancel) : IFleetTarget
    {
        public string HostName => inner.HostName;

        public void Connect(CancellationToken cancellationToken) => inner.Connect(cancellationToken);

        public IDisposable LockForRollout(string holder, CancellationToken cancellationToken) => inner.LockForRollout(holder, cancellationToken);

        public HostPlanReport Plan(string specYaml, CancellationToken cancellationToken) => inner.Plan(specYaml, cancellationToken);

        public HostApplyReport Converge(string specYaml, CancellationToken cancellationToken)
        {
            cancel.Cancel();
            return inner.Converge(specYaml, cancellationToken);
        }

        public HostHealthReport CheckHealth(string specYaml, CancellationToken cancellationToken) => inner.CheckHealth(specYaml, cancellationToken);

        public HostHealthReport RunHealthCommand(HealthCheck check, CancellationToken cancellationToken) => inner.RunHealthCommand(check, cancellationToken);

        public string BootId(CancellationToken cancellationToken) => inner.BootId(cancellationToken);

        public void Reboot(CancellationToken cancellationToken) => inner.Reboot(cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>Validates a JUnit report with xmllint against the JUnit 10 schema CI systems accept (a shared fixture, read in place).</summary>
internal static class JUnitSchema
{
    public static string SchemaPath
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
            {
                directory = directory.Parent;
            }

            Assert.NotNull(directory);
            var schema = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", "junit", "junit-10.xsd"));
            Assert.True(File.Exists(schema), $"the JUnit schema fixture {schema} is missing");
            return schema;
        }
    }

    public static void AssertValid(string report)
    {
        var start = new ProcessStartInfo("xmllint") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--noout", "--schema", SchemaPath, report })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"xmllint refused {report}: {errors}");
    }
}
