using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Planning;
using HdIov.PowerShell.Errors;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Tells whether a host is in the state a spec declares.</para>
/// <para type="description">Returns $true when planning yields no step and nothing waits for a reboot, $false otherwise. With -Detailed it returns
/// the drift instead: one plan step per difference. A plan the engine refuses (capacity, missing PASID, ...) is
/// reported as errors and the answer is $false. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HdIovHostState")]
[OutputType(typeof(bool), typeof(PlanStep))]
public sealed class TestHdIovHostStateCommand : HdIovSpecCmdletBase
{
    /// <summary><para type="description">Returns the steps that would converge the host instead of $true or $false.</para></summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        var spec = LoadSpec(Path);
        var state = ObserveWithBmc(spec, BmcConnection(spec));
        Plan plan;
        try
        {
            plan = Planner.Plan(spec, state);
        }
        catch (HdIovException refused) when (refused.Diagnostics.Count > 0)
        {
            foreach (var diagnostic in refused.Diagnostics)
            {
                WriteError(ErrorRecordFactory.FromDiagnostic(diagnostic, spec.SourceFile));
            }

            if (!Detailed)
            {
                WriteObject(false);
            }

            return;
        }

        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        foreach (var pending in plan.PendingReboot)
        {
            WriteWarning($"Pending reboot: {pending}.");
        }

        if (Detailed)
        {
            WriteObject(plan.Steps, enumerateCollection: true);
        }
        else
        {
            WriteObject(plan.IsEmpty && plan.PendingReboot.IsEmpty);
        }
    }
}
