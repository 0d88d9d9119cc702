using System.Globalization;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Session;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Progress;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// What every host-facing cmdlet shares: the <c>-HostRoot</c> parameter and the host it opens, cancellation on
/// Ctrl+C, progress relayed to the pipeline thread, and the translation of engine failures into error records.
/// </summary>
public abstract class HdIovCmdletBase : PSCmdlet, IDisposable
{
    /// <summary>The environment variable that names the default host root.</summary>
    public const string HostRootVariable = "HDIOV_HOST_ROOT";

    private readonly CancellationTokenSource _cancellation = new();
    private HostSession? _session;
    private bool _disposed;

    /// <summary>
    /// <para type="description">The directory that stands for / on the host to work on: a simulated host's folder
    /// (New-HdIovSimulatedHost), or / for this machine. Default: $env:HDIOV_HOST_ROOT, else /.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HostRoot { get; set; }

    /// <summary>Cancelled when the user stops the pipeline (Ctrl+C).</summary>
    protected CancellationToken Cancellation => _cancellation.Token;

    /// <summary>The BMC account the engine may use when a spec sets BIOS settings through Redfish; none by default.</summary>
    protected virtual RedfishCredential? BmcAccount => null;

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>
    /// The engine session on the host named by <see cref="HostRoot"/>, opened once per command: libvirt for VM
    /// attachments, the command's BMC account, Ctrl+C as cancellation.
    /// </summary>
    protected HostSession OpenSession()
    {
        if (_session is null)
        {
            var root = ResolveHostRoot();
            if (!Directory.Exists(root))
            {
                ThrowTerminatingError(ErrorRecordFactory.PathNotFound(root));
            }

            try
            {
                _session = HostSession.Open(root, new SessionOptions { Libvirt = true, BmcAccount = BmcAccount, Cancellation = Cancellation });
            }
            catch (ArgumentException notAHost)
            {
                ThrowTerminatingError(new ErrorRecord(notAHost, "NotAHostRoot", ErrorCategory.InvalidArgument, root)
                {
                    ErrorDetails = new ErrorDetails(notAHost.Message)
                    {
                        RecommendedAction = "pass -HostRoot / for this machine, or the folder of a host made by New-HdIovSimulatedHost",
                    },
                });
            }
        }

        return _session!;
    }

    /// <summary>The host named by <see cref="HostRoot"/>, opened once per command.</summary>
    protected IHost OpenHost() => OpenSession().Host;

    protected string ResolveHostRoot()
    {
        var root = HostRoot;
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetEnvironmentVariable(HostRootVariable);
        }

        return string.IsNullOrEmpty(root) ? "/" : GetUnresolvedProviderPathFromPSPath(root);
    }

    /// <summary>The whole host as it is.</summary>
    protected HostState Observe()
    {
        var session = OpenSession();
        return Guard(session.Observe, session.Root);
    }

    /// <summary>Runs an engine call; its failures become one terminating error record.</summary>
    protected T Guard<T>(Func<T> action, object? target)
    {
        try
        {
            return action();
        }
        catch (Exception failure) when (IsEngineFailure(failure))
        {
            ThrowTerminatingError(ErrorRecordFactory.FromException(failure, target));
            throw;
        }
    }

    /// <summary>
    /// Runs an apply on a worker thread as the apply phase of <paramref name="progress"/> and relays its progress to
    /// this (the pipeline) thread, the only thread allowed to write progress and verbose records; completes the
    /// progress at the end.
    /// </summary>
    private protected T RunWithProgress<T>(ConvergeProgress progress, Func<IApplyObserver, CancellationToken, T> work, object? target)
    {
        ArgumentNullException.ThrowIfNull(progress);
        WriteProgress(progress.Phase(ConvergePhase.Apply));
        var outcome = PipelineRelay.Run(
            events =>
            {
                try
                {
                    return (Result: work(new QueuedApplyObserver(events, this, progress), Cancellation), Failure: (ExceptionDispatchInfo?)null);
                }
                catch (Exception failure)
                {
                    return (Result: default(T), Failure: ExceptionDispatchInfo.Capture(failure));
                }
            },
            _cancellation);

        // The progress completes before a failure becomes the command's terminating error.
        WriteCompleted(progress);
        return Guard(
            () =>
            {
                outcome.Failure?.Throw();
                return outcome.Result!;
            },
            target);
    }

    /// <summary>Ends the progress of a converge that stops early or has finished.</summary>
    private protected void WriteCompleted(ConvergeProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        foreach (var record in progress.Completed())
        {
            WriteProgress(record);
        }
    }

    /// <summary>-WhatIf on the command line, or $WhatIfPreference when the switch is not given.</summary>
    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? value is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    /// <summary>
    /// Asks ShouldProcess for every step (so -WhatIf lists them and -Confirm asks per step), then, unless
    /// <paramref name="force"/>, ShouldContinue for each step that needs a host reboot or a VM restart, even without
    /// -Confirm. A session that cannot ask (non-interactive) gets an error record naming -Force. True when the whole
    /// plan may be applied; a plan is applied whole or not at all.
    /// </summary>
    protected bool ConfirmSteps(Plan plan, bool force)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var declined = 0;
        var unconfirmed = new List<PlanStep>();
        var yesToAll = false;
        var noToAll = false;
        var cannotAsk = false;
        foreach (var step in plan.Steps)
        {
            var action = DescribeStep(step);
            var confirmed = ShouldProcess(
                $"Performing the operation \"{action}\" on target \"{step.Address}\".",
                $"Are you sure you want to perform this action?{Environment.NewLine}Performing the operation \"{action}\" on target \"{step.Address}\".",
                "Confirm",
                out var reason);
            if (!confirmed)
            {
                if (reason != ShouldProcessReason.WhatIf)
                {
                    declined++;
                }

                continue;
            }

            if (force || step.Disruption is not (Disruption.HostReboot or Disruption.VmRestart))
            {
                continue;
            }

            if (cannotAsk || noToAll)
            {
                unconfirmed.Add(step);
                continue;
            }

            try
            {
                var query = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Step {step.Id} ({step.Address}: {step.Description}) needs a {DisruptionText(step.Disruption)}: {step.Reason}. Apply it?");
                if (!ShouldContinue(query, $"Confirm {DisruptionText(step.Disruption)}", ref yesToAll, ref noToAll))
                {
                    unconfirmed.Add(step);
                }
            }
            catch (Exception noPrompt) when (PromptUnavailable.Is(noPrompt))
            {
                cannotAsk = true;
                unconfirmed.Add(step);
            }
        }

        if (IsWhatIf)
        {
            return false;
        }

        foreach (var step in unconfirmed)
        {
            WriteError(NotConfirmed(step, cannotAsk));
        }

        if (declined > 0)
        {
            WriteWarning(string.Create(
                CultureInfo.InvariantCulture,
                $"Nothing was applied: {declined} of {plan.Steps.Length} steps were declined, and a plan is applied whole or not at all. Run the command again and confirm every step."));
        }

        return declined == 0 && unconfirmed.Count == 0;
    }

    /// <summary>
    /// Applies a request's plan under the host lock with progress. A failed or stale apply is written as a
    /// non-terminating error record (the pipeline goes on with the next input) and gives null; a locked host or Ctrl+C
    /// stops the command.
    /// </summary>
    protected ApplyResult? TryApply(Plan plan, string activity, object? target)
    {
        var session = OpenSession();
        var (result, failure) = RunWithProgress<(ApplyResult?, Exception?)>(
            new ConvergeProgress(activity),
            (observer, cancellation) =>
            {
                try
                {
                    return (session.Apply(plan, null, observer), null);
                }
                catch (Exception failed) when (failed is ApplyFailedException or StalePlanException)
                {
                    return (null, failed);
                }
            },
            session.Root);
        if (failure is not null)
        {
            WriteError(ErrorRecordFactory.FromException(failure, target));
        }

        return result;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            _cancellation.Dispose();
            _session?.Dispose();
        }

        _disposed = true;
    }

    private static string DescribeStep(PlanStep step) =>
        step.Disruption == Disruption.None
            ? $"{step.Symbol} {step.Description}"
            : $"{step.Symbol} {step.Description} ({step.Disruption}: {step.Reason})";

    private static string DisruptionText(Disruption disruption) => disruption == Disruption.HostReboot ? "host reboot" : "VM restart";

    private static ErrorRecord NotConfirmed(PlanStep step, bool cannotAsk)
    {
        var diagnostic = new Diagnostic(
            DiagnosticCodes.DisruptionNotConfirmed,
            DiagnosticSeverity.Error,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Step {step.Id} ({step.Address}: {step.Description}) needs a {DisruptionText(step.Disruption)} and was not confirmed{(cannotAsk ? " (this session cannot ask: it is non-interactive)" : string.Empty)}; nothing was applied"),
            $"run the command again with -Force to apply steps that need a {DisruptionText(step.Disruption)} without asking, or answer Yes when asked");
        return ErrorRecordFactory.FromDiagnostic(diagnostic, step, ErrorCategory.OperationStopped);
    }

    private static bool IsEngineFailure(Exception failure) =>
        failure is HdIovException or HostIoException or HostLockTimeoutException or OperationCanceledException or IOException or UnauthorizedAccessException;
}
