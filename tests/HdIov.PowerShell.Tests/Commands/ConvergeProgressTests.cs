using System.Management.Automation;

namespace HdIov.PowerShell.Tests.Commands;

/// <summary>
/// The progress a converge shows in a console, as the host receives it: one record per plan step, in plan order, with
/// the step's address, "step i of N" and a percentage that never goes back, then the activity's completion.
/// </summary>
[Trait("Category", "Module")]
public sealed class ConvergeProgressTests : CommandTestBase
{
    [Fact]
    public void Set_HostState_reports_a_record_per_step_with_percent_complete_and_completes_the_activity()
    {
        var root = NewHost("progress");
        var spec = TestSpec("qat-two-pfs.yaml");
        var plan = Setup.Invoke("param($Spec, $Root) (Get-HdIovPlan -Path $Spec -HostRoot $Root).Steps | ForEach-Object { $_.Address.ToString() }",
            new Dictionary<string, object?> { ["Spec"] = spec, ["Root"] = root }).Select(o => (string)o.BaseObject).ToList();
        Assert.True(plan.Count > 1);
        var (shell, host) = Session();

        var run = Run(shell, "param($Spec, $Root) Set-HdIovHostState -Path $Spec -HostRoot $Root -Confirm:$false",
            new Dictionary<string, object?> { ["Spec"] = spec, ["Root"] = root });

        Assert.Empty(run.Errors);
        var records = host.Interface.Progress.Where(r => r.Activity == "Converging pester-node").ToList();
        var steps = records.Where(r => r.RecordType == ProgressRecordType.Processing).ToList();
        Assert.Equal(plan.Count, steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal($"step {i + 1} of {plan.Count}", steps[i].CurrentOperation);
            Assert.Contains(plan[i], steps[i].StatusDescription, StringComparison.Ordinal);
            Assert.Equal(i * 100 / plan.Count, steps[i].PercentComplete);
        }

        var last = records[^1];
        Assert.Equal(ProgressRecordType.Completed, last.RecordType);
        Assert.Equal(steps[0].ActivityId, last.ActivityId);
        Assert.Equal(steps[0].Activity, last.Activity);
    }

    [Fact]
    public void Set_HostState_shows_no_progress_when_ProgressPreference_is_SilentlyContinue()
    {
        var root = NewHost("progress-silent");
        var (shell, host) = Session();

        var run = Run(shell, "param($Spec, $Root) $ProgressPreference = 'SilentlyContinue'; Set-HdIovHostState -Path $Spec -HostRoot $Root -Confirm:$false",
            new Dictionary<string, object?> { ["Spec"] = TestSpec("qat-two-pfs.yaml"), ["Root"] = root });

        Assert.Empty(run.Errors);
        Assert.Empty(host.Interface.Progress);
    }
}
