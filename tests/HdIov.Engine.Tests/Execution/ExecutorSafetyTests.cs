using System.Collections.Concurrent;
using System.Diagnostics;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Fidelity;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;

namespace HdIov.Engine.Tests.Execution;

/// <summary>The executor's guards: stale plans, one apply per host, plans as data, and cancellation between steps.</summary>
[Trait("Category", "Execution")]
public sealed class ExecutorSafetyTests
{
    /// <summary>The lock file itself: its content is the holder's pid, and another process holds it during the test.</summary>
    private const string LockFile = "var/lib/hdiov/apply.lock";

    private static readonly Guid Foreign = new("f0e1d2c3-0000-4000-8000-00000000beef");

    [Fact]
    public void Apply_HostChangedSincePlanning_IsRefusedAsStale_AndChangesNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Converge(sim, Specs.MttyLab(single: 1, dual: 0));
        var plan = Planner.Plan(Specs.MttyLab(single: 3, dual: 0), Observe(sim));
        sim.Host.WriteAttribute(KernelPaths.MdevCreate("mtty", "mtty-2"), KernelPaths.Format(Foreign));
        var before = TreeSnapshot.Take(sim.Root, ".hdiov-sim");

        var error = Assert.Throws<StalePlanException>(() => Apply(sim, plan));

        Assert.Equal(DiagnosticCodes.StalePlan, Assert.Single(error.Diagnostics).Code);
        Assert.Equal(string.Empty, TreeSnapshot.Difference(before, TreeSnapshot.Take(sim.Root, ".hdiov-sim")));
    }

    [Fact]
    public void Apply_TwoAppliesAtOnce_TheSecondWaitsForTheFirst_ThenFindsItsPlanStale()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Specs.MttyLab(single: 4, dual: 2);
        var plan = Planner.Plan(spec, Observe(sim));
        var events = new ConcurrentQueue<string>();
        Exception? secondError = null;
        Thread? second = null;
        var observer = new CallbackObserver(starting: (step, index) =>
        {
            if (index == 0)
            {
                second = new Thread(() =>
                {
                    secondError = Record.Exception(() => new Executor(SimulatedHost.Open(sim.Root)).Apply(plan));
                    events.Enqueue("second finished");
                });
                second.Start();
                WaitUntilBlocked(second);
            }

            events.Enqueue($"first step {step.Id}");
        },
        completed: (_, index) =>
        {
            if (index == plan.Steps.Length - 1)
            {
                events.Enqueue("first done");
            }
        });

        var first = new Executor(sim.Host).Apply(plan, observer);
        second!.Join();

        Assert.True(first.Converged);
        Assert.Equal([.. plan.Steps.Select(s => $"first step {s.Id}"), "first done", "second finished"], events);
        var stale = Assert.IsType<StalePlanException>(secondError);
        Assert.Equal(DiagnosticCodes.StalePlan, Assert.Single(stale.Diagnostics).Code);
        Assert.Single(sim.Host.ReadText(KernelPaths.Journal).Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("apply-started", StringComparison.Ordinal));
        Assert.Empty(Planner.Plan(spec, Observe(sim)).Steps);
    }

    [Fact]
    public void Apply_WhileAnotherApplyRuns_TimesOutNamingTheHoldersPid()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var plan = Planner.Plan(Specs.MttyLab(single: 2, dual: 0), Observe(sim));
        Exception? secondError = null;
        var observer = new CallbackObserver(starting: (_, index) =>
        {
            if (index == 0)
            {
                var second = new Thread(() => secondError = Record.Exception(() =>
                    new Executor(SimulatedHost.Open(sim.Root), new ApplyOptions { LockTimeout = TimeSpan.FromMilliseconds(100) }).Apply(plan)));
                second.Start();
                second.Join();
            }
        });

        var first = new Executor(sim.Host).Apply(plan, observer);

        Assert.True(first.Converged);
        var timeout = Assert.IsType<HostLockTimeoutException>(secondError);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout.Holder);
        Assert.Contains($"held by pid {timeout.Holder}", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WhileAnotherProcessHoldsTheHostLock_TimesOutUnchanged_OrWaitsForIt()
    {
        var flock = ExternalTool.Require("flock", "util-linux");
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Specs.MttyLab(single: 2, dual: 1);
        var plan = Planner.Plan(spec, Observe(sim));
        var lockFile = sim.Root + KernelPaths.ApplyLock;
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        using var holder = HoldLock(flock, lockFile);
        var before = TreeSnapshot.Take(sim.Root, ".hdiov-sim", LockFile);

        var impatient = Assert.Throws<HostLockTimeoutException>(() =>
            new Executor(sim.Host, new ApplyOptions { LockTimeout = TimeSpan.FromMilliseconds(200) }).Apply(plan));
        var patient = Task.Run(() => new Executor(sim.Host, new ApplyOptions { LockTimeout = TimeSpan.FromSeconds(60) }).Apply(plan));
        var finishedWhileHeld = await Task.WhenAny(patient, Task.Delay(500)) == patient;

        Assert.Equal(KernelPaths.ApplyLock, impatient.LockPath);
        Assert.False(finishedWhileHeld, "the apply ran while another process held the host lock");
        Assert.Equal(string.Empty, TreeSnapshot.Difference(before, TreeSnapshot.Take(sim.Root, ".hdiov-sim", LockFile)));
        holder.StandardInput.Close();
        Assert.True(holder.WaitForExit(TimeSpan.FromSeconds(30)));
        var result = await patient;
        Assert.True(result.Converged);
        Assert.Equal(3, result.FinalState.Mdevs.Length);
    }

    [Fact]
    public void Apply_PlanReadBackFromJson_AppliesTheSameSteps()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host(
            "spr-node-01",
            Specs.Siov("qat", Specs.Pci("0000:6b:00.0"), ["asym"], ("asym", 2)),
            Specs.Siov("nic", Specs.Pci("0000:16:00.0"), [], ("ice-vdcm", 2)),
            Specs.Sriov("qat-vf", Specs.Pci("0000:f7:00.0"), 2, "vfio-pci"));
        var plan = Planner.Plan(spec, Observe(sim));
        var json = PlanSerializer.ToJson(plan);

        var readBack = PlanSerializer.FromJson(json);
        var result = Apply(sim, readBack);

        Assert.Equal(json, PlanSerializer.ToJson(readBack));
        Assert.Equal(
            [nameof(BindVfDriver), nameof(ConfigureQat), nameof(CreateMdev), nameof(SetVfCount)],
            readBack.Steps.Select(s => s.Operation.GetType().Name).Distinct().Order(StringComparer.Ordinal));
        Assert.True(result.Converged);
        Assert.Equal(plan.Steps.Select(s => s.Description), result.Completed.Select(s => s.Description));
        Assert.Empty(Planner.Plan(spec, result.FinalState).Steps);
    }

    [Fact]
    public void Apply_CancelledBetweenSteps_FailsWithCancelled_KeepsWhatIsDone_AndApplyingAgainConverges()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Specs.MttyLab(single: 4, dual: 2);
        var plan = Planner.Plan(spec, Observe(sim));
        using var cancellation = new CancellationTokenSource();
        var observer = new CallbackObserver(completed: (_, index) =>
        {
            if (index == 1)
            {
                cancellation.Cancel();
            }
        });

        var error = Assert.Throws<ApplyFailedException>(() => new Executor(sim.Host).Apply(plan, observer, cancellation.Token));

        Assert.Equal(DiagnosticCodes.Cancelled, Assert.Single(error.Diagnostics).Code);
        Assert.Equal(plan.Steps[2], error.FailedStep);
        Assert.Equal(plan.Steps.Take(2), error.Completed);
        var state = Observe(sim);
        Assert.Equal(
            plan.Steps.Take(2).Select(s => ((CreateMdev)s.Operation).Uuid).Order(),
            state.Mdevs.Select(m => m.Uuid).Order());
        Assert.Equal(2, state.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Mdev));

        var again = Converge(sim, spec);

        Assert.True(again.Converged);
        Assert.Equal(4, again.Completed.Length);
        Assert.Equal(6, again.FinalState.Mdevs.Length);
        Assert.Empty(Planner.Plan(spec, again.FinalState).Steps);
    }

    private static Process HoldLock(string flock, string lockFile)
    {
        var start = new ProcessStartInfo(flock)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { lockFile, "sh", "-c", "echo held; read line" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        Assert.Equal("held", process.StandardOutput.ReadLine());
        return process;
    }

    private static void WaitUntilBlocked(Thread thread)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second apply never started waiting");
            Thread.Sleep(10);
        }
    }
}
