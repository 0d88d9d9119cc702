using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Tells whether a host is in the state a spec declares.</para>
/// <para type="description">Returns $true when planning yields no step and nothing waits for a reboot, $false otherwise. With -Detailed it returns
/// the drift instead: one item per difference, saying whether the spec changed, the host was changed outside HdIov, the
/// hardware changed, or a change waits for a reboot. A plan the engine refuses (capacity, missing PASID, ...) is
/// reported as errors and the answer is $false. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HdIovHostState")]
[OutputType(typeof(bool), typeof(DriftItemInfo))]
public sealed class TestHdIovHostStateCommand : HdIovSpecCmdletBase
{
    /// <summary><para type="description">Returns the drift items instead of $true or $false.</para></summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        var spec = LoadSpec(Path);
        var state = ObserveFor(spec);
        Plan? plan = null;
        try
        {
            plan = HostSession.Plan(spec, state);
        }
        catch (HdIovException refused) when (refused.Diagnostics.Count > 0)
        {
            foreach (var diagnostic in refused.Diagnostics)
            {
                WriteError(ErrorRecordFactory.FromDiagnostic(diagnostic, spec.SourceFile));
            }
        }

        if (plan is not null)
        {
            foreach (var warning in plan.Warnings)
            {
                WriteWarning(warning.ToString());
            }

            foreach (var pending in plan.PendingReboot)
            {
                WriteWarning($"Pending reboot: {pending}.");
            }
        }

        var drift = HostSession.Drift(spec, state, plan);
        if (Detailed)
        {
            foreach (var item in drift)
            {
                WriteObject(DriftItemInfo.From(item));
            }
        }
        else
        {
            WriteObject(plan is { IsEmpty: true, PendingReboot.IsEmpty: true } && !drift.Any(i => i.IsDrift));
        }
    }
}
