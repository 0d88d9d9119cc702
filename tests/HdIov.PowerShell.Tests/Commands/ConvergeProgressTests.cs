using System.Management.Automation;

namespace HdIov.PowerShell.Tests.Commands;

/// <summary>
/// The progress a converge shows in a console, as the host receives it: a parent activity that moves through the
/// phases (reading the host, planning, applying, reading it again) and, under it, one record per plan step in plan
/// order, with the step's address, "step i of N" and a percentage that never goes back; the step activity completes
/// before the last phase and the parent completes at the end.
/// </summary>
[Trait("Category", "Module")]
public sealed class ConvergeProgressTests : CommandTestBase
{
    [Fact]
    public void Set_HostState_reports_each_phase_and_a_record_per_step_under_it_and_completes_both()
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
        var records = host.Interface.Progress.ToList();
        var converge = records.Where(r => r.Activity == "Converging pester-node").ToList();
        var phases = converge.Where(r => r.RecordType == ProgressRecordType.Processing).ToList();
        Assert.Equal(["phase 1 of 4", "phase 2 of 4", "phase 3 of 4", "phase 4 of 4"], phases.Select(r => r.CurrentOperation));
        Assert.Equal(["Reading the host", "Planning", "Applying the plan", "Reading the host again to tell what is left"], phases.Select(r => r.StatusDescription));
        Assert.Equal([0, 25, 50, 75], phases.Select(r => r.PercentComplete));

        var stepRecords = records.Where(r => r.ActivityId != phases[0].ActivityId).ToList();
        var steps = stepRecords.Where(r => r.RecordType == ProgressRecordType.Processing).ToList();
        Assert.Equal(plan.Count, steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal(phases[0].ActivityId, steps[i].ParentActivityId);
            Assert.Equal($"step {i + 1} of {plan.Count}", steps[i].CurrentOperation);
            Assert.Contains(plan[i], steps[i].StatusDescription, StringComparison.Ordinal);
            Assert.Equal(i * 100 / plan.Count, steps[i].PercentComplete);
        }

        var stepsDone = Assert.Single(stepRecords, r => r.RecordType == ProgressRecordType.Completed);
        Assert.True(records.IndexOf(stepsDone) > records.IndexOf(steps[^1]));
        Assert.True(records.IndexOf(stepsDone) < records.IndexOf(phases[3]), "the step activity completes before the last phase starts");
        var last = records[^1];
        Assert.Equal(ProgressRecordType.Completed, last.RecordType);
        Assert.Equal(phases[0].ActivityId, last.ActivityId);
        Assert.Equal("Converging pester-node", last.Activity);
    }

    [Fact]
    public void Set_HostState_WhatIf_completes_the_phases_it_started()
    {
        var root = NewHost("progress-whatif");
        var (shell, host) = Session();

        var run = Run(shell, "param($Spec, $Root) Set-HdIovHostState -Path $Spec -HostRoot $Root -WhatIf",
            new Dictionary<string, object?> { ["Spec"] = TestSpec("qat-two-pfs.yaml"), ["Root"] = root });

        Assert.Empty(run.Errors);
        var records = host.Interface.Progress.ToList();
        Assert.Equal(["Reading the host", "Planning"], records.Where(r => r.RecordType == ProgressRecordType.Processing).Select(r => r.StatusDescription));
        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);
        Assert.Equal("Converging pester-node", records[^1].Activity);
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
