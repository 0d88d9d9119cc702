using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Attachments;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Converges a host to the state a spec declares.</para>
/// <para type="description">Plans, asks ShouldProcess for every step (so -WhatIf lists the steps and changes nothing,
/// and -Confirm asks per step), then applies the plan under the host lock, reporting progress per step. A plan is
/// applied whole or not at all: if any step is declined, nothing is applied. Running it again on a converged host
/// changes nothing. Apply stops at a reboot barrier.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "HdIovHostState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplyResult))]
public sealed class SetHdIovHostStateCommand : HdIovSpecCmdletBase
{
    protected override void ProcessRecord()
    {
        var spec = LoadSpec(Path);
        var state = Observe(spec);
        var plan = MakePlan(spec, state);
        var host = OpenHost();

        if (plan.IsEmpty)
        {
            WriteVerbose($"No changes: {host.Root} already matches {spec.SourceFile ?? spec.Name}.");
            if (IsWhatIf)
            {
                return;
            }
        }

        var declined = 0;
        foreach (var step in plan.Steps)
        {
            var action = Describe(step);
            var confirmed = ShouldProcess(
                $"Performing the operation \"{action}\" on target \"{step.Address}\".",
                $"Are you sure you want to perform this action?{Environment.NewLine}Performing the operation \"{action}\" on target \"{step.Address}\".",
                "Confirm",
                out var reason);
            if (!confirmed && reason != ShouldProcessReason.WhatIf)
            {
                declined++;
            }
        }

        if (IsWhatIf)
        {
            return;
        }

        if (declined > 0)
        {
            WriteWarning(string.Create(
                CultureInfo.InvariantCulture,
                $"Nothing was applied: {declined} of {plan.Steps.Length} steps were declined, and a plan is applied whole or not at all. Run the command again and confirm every step, or change the spec."));
            return;
        }

        var result = RunWithProgress(
            $"Converging {spec.Name}",
            (observer, cancellation) => new Executor(host, new ApplyOptions { VirtualMachines = VirtualMachines() }).Apply(plan, observer, cancellation),
            host.Root);
        if (result.StoppedAtRebootBarrier)
        {
            WriteWarning(string.Create(
                CultureInfo.InvariantCulture,
                $"Stopped at a reboot barrier: {result.Deferred.Length} steps wait for a reboot. Reboot the host, then run Set-HdIovHostState again."));
        }

        foreach (var pending in Planner.Plan(spec, DomainObserver.Observe(result.FinalState, spec, VirtualMachines())).PendingReboot)
        {
            WriteWarning($"Reboot required: {pending}.");
        }

        WriteObject(result);
    }

    /// <summary>-WhatIf on the command line, or $WhatIfPreference when the switch is not given.</summary>
    private bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? value is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    private static string Describe(PlanStep step) =>
        step.Disruption == Disruption.None
            ? $"{step.Symbol} {step.Description}"
            : $"{step.Symbol} {step.Description} ({step.Disruption}: {step.Reason})";
}
