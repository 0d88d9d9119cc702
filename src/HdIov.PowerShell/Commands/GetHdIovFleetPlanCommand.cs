using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Fleet;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Plans every host of a fleet and says what a rollout would change, changing nothing.</para>
/// <para type="description">Observes and plans every host of the fleet (throttle hosts at once), then writes one object
/// per host (its wave, steps, highest disruption, VDEVs made and removed, whether it needs a reboot, VMs whose devices
/// it touches) and the fleet's totals. A host that cannot be reached or whose spec cannot be planned there is an error
/// record. With -Quiet it returns only $true when no host has a change and every host was planned, $false otherwise:
/// the check of an "expect no changes" pipeline.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovFleetPlan")]
[OutputType(typeof(FleetHostPlanInfo), typeof(FleetPlanSummary), typeof(bool))]
public sealed class GetHdIovFleetPlanCommand : HdIovFleetCmdletBase
{
    /// <summary><para type="description">Returns only $true (no host has a change, every host was planned) or $false.</para></summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        var (fleet, assigned) = LoadFleet();
        var hosts = assigned.Select(RolloutHost.Render).ToList();
        var activity = $"Planning fleet {fleet.Name}";
        var plans = RunRelayed((events, cancellation) =>
        {
            var done = 0;
            return FleetPlanning.PlanAll(
                hosts,
                FleetTargets.For(fleet.Strategy),
                fleet.Strategy,
                plan =>
                {
                    var count = Interlocked.Increment(ref done);
                    events.Add(() => WriteProgress(new ProgressRecord(1, activity, string.Create(CultureInfo.InvariantCulture, $"{count} of {hosts.Count} hosts planned ({plan.Host.Name})"))
                    {
                        PercentComplete = count * 100 / Math.Max(1, hosts.Count),
                    }));
                },
                cancellation);
        });
        WriteProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });

        // The rollout's cut (FleetRollout.PlanWaves) from the same plans: the hardware canaries are the ones it will take.
        var waves = WavePlanner.Plan(assigned, fleet.Strategy, fleet.Strategy.HardwareCanaries ? FleetPlanning.Shapes(plans) : null);
        var waveOf = waves.SelectMany(w => w.Hosts.Select(h => (h.Host.Name, w.Number))).ToDictionary(p => p.Name, p => p.Number, StringComparer.Ordinal);
        var infos = plans.Select(p => FleetHostPlanInfo.From(p, waveOf[p.Host.Name])).ToList();
        foreach (var info in infos.Where(i => i.Errors.Count > 0))
        {
            foreach (var error in info.Errors)
            {
                WriteError(ErrorRecordFactory.FromDiagnostic(
                    new Diagnostic(error.Code, DiagnosticSeverity.Error, error.Message.Contains(info.Host, StringComparison.Ordinal) ? error.Message : $"host '{info.Host}': {error.Message}", error.Fix ?? string.Empty),
                    info.Host));
            }
        }

        var summary = FleetPlanSummary.Of(fleet.Name, waves.Length, infos);
        if (Quiet)
        {
            WriteObject(summary.NoChanges);
            return;
        }

        foreach (var info in infos.OrderBy(i => i.Wave))
        {
            WriteObject(info);
        }

        WriteObject(summary);
    }
}
