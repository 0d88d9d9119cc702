using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Fleet;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Rolls a fleet out wave by wave: converges every host to its group's spec within the strategy's budgets.</para>
/// <para type="description">Cuts the fleet into waves (canaries first), asks ShouldProcess per wave (-WhatIf lists the
/// waves and changes nothing, -Confirm asks per wave), and converges each wave's hosts, throttle at once and at most
/// maxUnavailable disrupted at once, rebooting hosts whose plans need it when the strategy allows. One result object
/// per host is written as the host finishes. Each finished host is appended to the journal, which is written whole
/// after every wave, as are the JUnit XML and Markdown reports. A failure budget exceeded stops the rollout with a terminating error naming the budget and
/// the wave; a manual gate stops it with a warning. -Resume continues from a journal, leaving alone the hosts already
/// converged under the same spec.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "HdIovFleetRollout", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(HostRolloutResult))]
public sealed class InvokeHdIovFleetRolloutCommand : HdIovFleetCmdletBase
{
    private const int WaveActivity = 1;

    /// <summary><para type="description">The JSON journal, written whole after every wave, with each finished host appended to its .records file in between. Default: the fleet file's name with .rollout.json, beside it.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary><para type="description">Writes a JUnit XML report here: one test suite per wave, one test case per host.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JUnitPath { get; set; }

    /// <summary><para type="description">Writes a Markdown summary here (for a pipeline's step summary).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MarkdownPath { get; set; }

    /// <summary><para type="description">The journal of an earlier rollout of this fleet to continue from.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Resume { get; set; }

    /// <summary><para type="description">Rolls out a strategy that reboots hosts (reboot.policy whenNeeded) without asking first.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var (fleet, hosts) = LoadFleet();
        RolloutJournal? resume = null;
        if (Resume is not null)
        {
            var (journal, refusal) = RolloutJournal.Read(SpecFiles.ResolveExisting(this, Resume));
            if (refusal is not null)
            {
                ThrowTerminatingError(ErrorRecordFactory.FromDiagnostic(refusal, Resume));
            }

            resume = journal;
        }

        if (IsWhatIf())
        {
            // The waves the rollout runs: with hardware canaries the hosts are planned (changing nothing) for their shapes.
            var waves = RunRelayed((_, cancellation) => FleetRollout.PlanWaves([.. hosts.Select(RolloutHost.Render)], FleetTargets.For(fleet.Strategy), fleet.Strategy, resume, cancellation));
            foreach (var wave in waves)
            {
                ShouldProcess(Describe(wave), "Roll out");
            }

            return;
        }

        if (fleet.Strategy.Reboot == RebootPolicy.WhenNeeded && !Force && !ConfirmReboots(fleet))
        {
            return;
        }

        var options = new FleetRolloutOptions
        {
            JournalPath = GetUnresolvedProviderPathFromPSPath(JournalPath ?? (fleet.SourceFile ?? Path) + ".rollout.json"),
            JUnitPath = JUnitPath is null ? null : GetUnresolvedProviderPathFromPSPath(JUnitPath),
            MarkdownPath = MarkdownPath is null ? null : GetUnresolvedProviderPathFromPSPath(MarkdownPath),
            Resume = resume,
        };
        var activity = $"Rolling out {fleet.Name}";
        var summary = RunRelayed((events, cancellation) =>
        {
            var progress = new RolloutProgress(activity, hosts.Length);
            var rollout = new FleetRollout(fleet, hosts, FleetTargets.For(fleet.Strategy), options with
            {
                ConfirmWave = wave => Ask(events, wave),
                WaveStarted = wave => events.Add(() => WriteProgress(progress.WaveStarted(wave))),
                HostActivity = (host, what) => events.Add(() => WriteProgress(progress.Host(host.Name, what))),
                HostFinished = result => events.Add(() =>
                {
                    WriteProgress(progress.HostFinished(result.HostName));
                    WriteObject(result);
                }),
            });
            events.Add(() => WriteVerbose($"Rollout {rollout.RolloutId} of {hosts.Length} hosts; journal {options.JournalPath}."), CancellationToken.None);
            return rollout.Run(cancellation);
        });
        WriteProgress(new ProgressRecord(WaveActivity, activity, "done") { RecordType = ProgressRecordType.Completed });
        Conclude(summary, options.JournalPath);
    }

    /// <summary>ShouldProcess for a wave, asked on the pipeline thread; a question that cannot be asked any more is a no.</summary>
    private bool Ask(BlockingCollection<Action> events, Wave wave)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        events.Add(() =>
        {
            try
            {
                answer.TrySetResult(ShouldProcess(Describe(wave), "Roll out"));
            }
            finally
            {
                answer.TrySetResult(false);
            }
        });
        return answer.Task.GetAwaiter().GetResult();
    }

    private void Conclude(RolloutSummary summary, string journal)
    {
        var failed = summary.Hosts.Count(h => h.Status is HostRolloutStatus.Failed or HostRolloutStatus.Unreachable);
        switch (summary.Outcome)
        {
            case RolloutOutcome.Halted:
                ThrowTerminatingError(ErrorRecordFactory.FromDiagnostic(
                    new Diagnostic(
                        FleetDiagnosticCodes.BudgetExceeded,
                        DiagnosticSeverity.Error,
                        $"the rollout of {summary.FleetName} halted: {summary.HaltReason}; {summary.Count(HostRolloutStatus.Skipped)} hosts were not attempted",
                        $"fix the failed hosts (see their results and the journal), then run again with -Resume '{journal}'"),
                    summary.FleetName,
                    ErrorCategory.LimitsExceeded));
                break;
            case RolloutOutcome.HaltedAtGate:
                WriteWarning($"The rollout stopped at {summary.HaltReason}. Resume it with -Resume '{journal}'.");
                break;
            case RolloutOutcome.Declined:
                WriteWarning($"The rollout stopped: {summary.HaltReason}; {summary.Count(HostRolloutStatus.Skipped)} hosts were not attempted.");
                break;
            case RolloutOutcome.Cancelled:
                WriteWarning($"The rollout was cancelled. Resume it with -Resume '{journal}'.");
                break;
            default:
                if (failed > 0)
                {
                    WriteWarning(string.Create(CultureInfo.InvariantCulture, $"The rollout of {summary.FleetName} completed with {failed} of {summary.Hosts.Length} hosts failed or unreachable, within the failure budgets."));
                }

                break;
        }
    }

    private bool IsWhatIf() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? value is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    private bool ConfirmReboots(FleetSpec fleet)
    {
        try
        {
            if (ShouldContinue($"The strategy of {fleet.Name} reboots hosts whose plans need it (up to {fleet.Strategy.MaxRebootsPerHost} per host, {fleet.Strategy.MaxUnavailable} at once). Roll out?", "Confirm host reboots"))
            {
                return true;
            }

            WriteWarning("Nothing was rolled out: the reboots were declined.");
            return false;
        }
        catch (Exception noPrompt) when (PromptUnavailable.Is(noPrompt))
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException($"the strategy of {fleet.Name} reboots hosts, and this session cannot ask for confirmation; nothing was rolled out"),
                "RebootNotConfirmed",
                ErrorCategory.PermissionDenied,
                fleet.Name)
            {
                ErrorDetails = new ErrorDetails($"the strategy of {fleet.Name} reboots hosts, and this session cannot ask for confirmation; nothing was rolled out") { RecommendedAction = "pass -Force to allow the reboots the strategy makes" },
            });
            return false;
        }
    }

    private static string Describe(Wave wave) =>
        $"wave {wave.Number}{(wave.IsCanary ? " (canary)" : string.Empty)}: {wave.Hosts.Length} host{(wave.Hosts.Length == 1 ? string.Empty : "s")} ({string.Join(", ", wave.Hosts.Take(10).Select(h => h.Host.Name))}{(wave.Hosts.Length > 10 ? ", ..." : string.Empty)})";
}
