using System.Management.Automation;
using HdIov.Engine.Planning;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows the steps that would take a host to the state a spec declares.</para>
/// <para type="description">Loads the spec (errors point at file:line:column), observes the host and plans. The plan
/// lists every step with its address, before and after values and what it disrupts. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovPlan")]
[OutputType(typeof(Plan), typeof(string))]
public sealed class GetHdIovPlanCommand : HdIovSpecCmdletBase
{
    /// <summary><para type="description">Returns the plan as JSON text (for review, or as a CI artifact) instead of the plan object.</para></summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    /// <summary><para type="description">Shows every step on its own line. Without it, consecutive steps of one kind on one parent
    /// that disrupt nothing share a line with their address range and count. The plan object and -AsJson always hold every step.</para></summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        var spec = LoadSpec(Path);
        var state = ObserveFor(spec);
        var plan = MakePlan(spec, state);
        if (AsJson)
        {
            WriteObject(PlanSerializer.ToJson(plan));
            return;
        }

        // The format view reads this note to render one line per step.
        var output = new PSObject(plan);
        if (Detailed)
        {
            output.Properties.Add(new PSNoteProperty("Detailed", true));
        }

        WriteObject(output);
    }
}
