using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Execution;
using HdIov.PowerShell.Progress;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Converges a host to the state a spec declares.</para>
/// <para type="description">Plans, asks ShouldProcess for every step (so -WhatIf lists the steps and changes nothing,
/// and -Confirm asks per step), then applies the plan under the host lock, reporting progress per phase and per step.
/// A plan is applied whole or not at all: if any step is declined, nothing is applied. A step that needs a host reboot
/// or a VM restart is confirmed even without -Confirm unless -Force is given. Running it again on a converged host
/// changes nothing. Apply stops at a reboot barrier.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "HdIovHostState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplyResult))]
public sealed class SetHdIovHostStateCommand : HdIovSpecCmdletBase
{
    /// <summary>
    /// <para type="description">Applies steps that need a host reboot or a VM restart without asking. Without it, each
    /// such step is confirmed (ShouldContinue) even without -Confirm, and a non-interactive session gets an error
    /// instead.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var spec = LoadSpec(Path);
        var progress = new ConvergeProgress($"Converging {spec.Name}");
        WriteProgress(progress.Phase(ConvergePhase.Observe));
        var state = ObserveFor(spec);
        WriteProgress(progress.Phase(ConvergePhase.Plan));
        var plan = MakePlan(spec, state);
        var session = OpenSession();

        if (plan.IsEmpty)
        {
            WriteVerbose($"No changes: {session.Root} already matches {spec.SourceFile ?? spec.Name}.");
            if (IsWhatIf)
            {
                WriteCompleted(progress);
                return;
            }
        }

        if (!ConfirmSteps(plan, Force))
        {
            WriteCompleted(progress);
            return;
        }

        var converged = RunWithProgress(
            progress,
            (observer, cancellation) => session.Apply(spec, plan, observer: observer),
            session.Root);
        var result = converged.Applied!;
        if (result.StoppedAtRebootBarrier)
        {
            WriteWarning(string.Create(
                CultureInfo.InvariantCulture,
                $"Stopped at a reboot barrier: {result.Deferred.Length} steps wait for a reboot. Reboot the host, then run Set-HdIovHostState again."));
        }

        foreach (var pending in converged.Remaining.PendingReboot)
        {
            WriteWarning($"Reboot required: {pending}.");
        }

        WriteObject(result);
    }
}
