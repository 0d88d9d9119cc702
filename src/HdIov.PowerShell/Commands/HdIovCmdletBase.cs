using System.Collections.Concurrent;
using System.Management.Automation;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
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
    private IHost? _host;
    private LibvirtVirtualMachines? _machines;
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

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>The host named by <see cref="HostRoot"/>, opened once per command.</summary>
    protected IHost OpenHost()
    {
        if (_host is null)
        {
            var root = ResolveHostRoot();
            if (!Directory.Exists(root))
            {
                ThrowTerminatingError(ErrorRecordFactory.PathNotFound(root));
            }

            try
            {
                _host = HostFactory.Open(root);
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

        return _host!;
    }

    protected string ResolveHostRoot()
    {
        var root = HostRoot;
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetEnvironmentVariable(HostRootVariable);
        }

        return string.IsNullOrEmpty(root) ? "/" : GetUnresolvedProviderPathFromPSPath(root);
    }

    protected HostState Observe()
    {
        var host = OpenHost();
        return Guard(() => new HostObserver(host).Observe(Cancellation), host.Root);
    }

    /// <summary>The host's state with the libvirt domains the spec's VM attachments (and the ledger) name.</summary>
    protected HostState Observe(HostSpec spec, IEnumerable<(string Uri, string Name)>? extraDomains = null)
    {
        var state = Observe();
        return Guard(() => DomainObserver.Observe(state, spec, VirtualMachines(), extraDomains), OpenHost().Root);
    }

    /// <summary>The host's VMs through libvirt (a simulated host's URIs mapped as docs/simulation.md says), opened once per command.</summary>
    protected IVirtualMachines VirtualMachines() => _machines ??= LibvirtVirtualMachines.For(OpenHost());

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
    /// Runs long engine work on a worker thread and relays its progress to this (the pipeline) thread, the only
    /// thread allowed to write progress and verbose records.
    /// </summary>
    protected T RunWithProgress<T>(string activity, Func<IApplyObserver, CancellationToken, T> work, object? target)
    {
        using var events = new BlockingCollection<Action<Cmdlet>>();
        var observer = new QueuedApplyObserver(events, activity);
        var worker = Task.Run(
            () =>
            {
                try
                {
                    return work(observer, Cancellation);
                }
                finally
                {
                    events.CompleteAdding();
                }
            },
            CancellationToken.None);

        try
        {
            foreach (var relay in events.GetConsumingEnumerable(CancellationToken.None))
            {
                relay(this);
            }
        }
        finally
        {
            if (!worker.IsCompleted)
            {
                _cancellation.Cancel();
                ((IAsyncResult)worker).AsyncWaitHandle.WaitOne();
            }
        }

        WriteProgress(observer.Completed());
        return Guard(() => worker.GetAwaiter().GetResult(), target);
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
            _machines?.Dispose();
            (_host as IDisposable)?.Dispose();
        }

        _disposed = true;
    }

    private static bool IsEngineFailure(Exception failure) =>
        failure is HdIovException or HostIoException or HostLockTimeoutException or OperationCanceledException or IOException or UnauthorizedAccessException;
}
