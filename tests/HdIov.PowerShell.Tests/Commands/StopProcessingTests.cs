using System.Management.Automation;
using System.Text.Json;

namespace HdIov.PowerShell.Tests.Commands;

/// <summary>
/// Ctrl+C in the middle of a converge: the host stops the pipeline while a write of the apply waits at a pause of the
/// simulator (a fixed write number, so the same place in the apply every run). The command stops after the step in
/// progress, the journal says where, the ledger owns exactly what exists, and the next converge finishes the job.
/// </summary>
[Trait("Category", "Module")]
public sealed class StopProcessingTests : CommandTestBase
{
    private const string SetState = "param($Spec, $Root) Set-HdIovHostState -Path $Spec -HostRoot $Root -Confirm:$false";

    [Fact]
    public void Stopping_Set_HostState_mid_apply_stops_between_steps_and_the_next_converge_finishes()
    {
        var spec = TestSpec("qat-two-pfs.yaml");

        // The same plan on a twin host, converged whole: how many writes the apply makes.
        var twin = NewHost("twin");
        var twinWritesBefore = WriteCount(twin);
        Setup.Invoke(SetState + " | Out-Null", Parameters(spec, twin));
        var applyWrites = WriteCount(twin) - twinWritesBefore;
        Assert.True(applyWrites > 4, $"the apply should make several writes, not {applyWrites}");

        var root = NewHost("stopped");
        var steps = PlanStepCount(root, spec);
        Simulated(root, $"$host_.PauseBeforeWrite({applyWrites / 2})");
        var (shell, _) = Session();
        using var pipeline = shell.Create(SetState, Parameters(spec, root));

        var running = pipeline.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => IsPaused(root) || running.IsCompleted, TimeSpan.FromMinutes(2)), "the apply never reached the pause");
        Assert.False(running.IsCompleted, "the command ended before the write it should wait at");
        var stopping = pipeline.BeginStop(null, null);
        Simulated(root, "$host_.ResumeWrites()");
        pipeline.EndStop(stopping);

        Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
        var journal = JournalEvents(root);
        var done = journal.Count(e => e == "done");
        Assert.Contains("cancelled", journal);
        Assert.DoesNotContain("failed", journal);
        Assert.InRange(done, 1, steps - 1);
        Assert.Equal(steps - done, PlanStepCount(root, spec));
        Assert.Equal(Existing(root).Order(), Owned(root).Order());

        var finish = Run(shell, SetState, Parameters(spec, root));

        Assert.Empty(finish.Errors);
        Assert.True(IsConverged(root, spec));
        Assert.Equal(0, PlanStepCount(root, spec));
    }

    private static Dictionary<string, object?> Parameters(string spec, string root) => new() { ["Spec"] = spec, ["Root"] = root };

    /// <summary>Runs a script with $host_ bound to the simulated host at <paramref name="root"/>, opened by the engine in the module's load context.</summary>
    private IReadOnlyList<PSObject> Simulated(string root, string script) =>
        Setup.Invoke(
            "param($Root) $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1; " +
            "$host_ = $engine.GetType('HdIov.Engine.Simulation.SimulatedHost', $true)::Open($Root); " + script,
            new Dictionary<string, object?> { ["Root"] = root });

    private int WriteCount(string root) => (int)Simulated(root, "$host_.WriteCount").Single().BaseObject;

    /// <summary>The event of each line of the journal (/var/lib/hdiov/journal.log, one JSON object a line).</summary>
    private static List<string> JournalEvents(string root) =>
        File.ReadAllLines(Path.Combine(root, "var", "lib", "hdiov", "journal.log"))
            .Select(line =>
            {
                using var entry = JsonDocument.Parse(line);
                return entry.RootElement.EnumerateObject().Single(p => p.Name.Equals("event", StringComparison.OrdinalIgnoreCase)).Value.GetString() ?? string.Empty;
            })
            .ToList();

    private static bool IsPaused(string root) => File.Exists(Path.Combine(root, ".hdiov-sim", "paused"));

    private List<string> Owned(string root) =>
        Setup.Invoke("param($Root) Get-HdIovVirtualDevice -HostRoot $Root -Owned | ForEach-Object { $_.Uuid.ToString() }", new Dictionary<string, object?> { ["Root"] = root })
            .Select(o => (string)o.BaseObject).ToList();

    private static List<string> Existing(string root)
    {
        var devices = Path.Combine(root, "sys", "bus", "mdev", "devices");
        return Directory.Exists(devices) ? Directory.GetFileSystemEntries(devices).Select(Path.GetFileName).OfType<string>().ToList() : [];
    }
}
