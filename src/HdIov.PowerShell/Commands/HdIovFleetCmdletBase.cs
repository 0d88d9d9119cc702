using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Fleet;
using HdIov.PowerShell.Progress;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// The cmdlets that work on a fleet document: its <c>-Path</c>, loading it with every host assigned to one group and
/// every host's transport available (else located error records and a stop before any host is contacted), Ctrl+C as
/// cancellation, and worker threads whose output is relayed to the pipeline thread.
/// </summary>
public abstract class HdIovFleetCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private bool _disposed;

    /// <summary><para type="description">The fleet document (YAML).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The fleet document (YAML).")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Cancelled when the user stops the pipeline (Ctrl+C).</summary>
    protected CancellationToken Cancellation => _cancellation.Token;

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>The fleet and its hosts with their groups; stops the command with the diagnostics as error records when either is invalid.</summary>
    protected (FleetSpec Fleet, ImmutableArray<AssignedHost> Hosts) LoadFleet()
    {
        var file = SpecFiles.ResolveExisting(this, Path);
        var loaded = FleetLoader.LoadFile(file);
        var diagnostics = loaded.Diagnostics;
        var hosts = ImmutableArray<AssignedHost>.Empty;
        if (loaded.Fleet is { } fleet)
        {
            (hosts, var assignment) = FleetAssignment.Assign(fleet);
            diagnostics = diagnostics.AddRange(assignment).AddRange(fleet.Hosts.Select(FleetTargets.Unavailable).OfType<Diagnostic>());
        }

        foreach (var diagnostic in diagnostics.Where(d => !d.IsError))
        {
            WriteWarning(diagnostic.ToString());
        }

        var errors = diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count == 0 && loaded.Fleet is not null)
        {
            return (loaded.Fleet, hosts);
        }

        foreach (var error in errors.Take(errors.Count - 1))
        {
            WriteError(ErrorRecordFactory.FromDiagnostic(error, file));
        }

        ThrowTerminatingError(ErrorRecordFactory.FromDiagnostic(errors[^1], file));
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker thread; what it posts to the queue (progress, output, questions) runs
    /// here, on the pipeline thread, the only one allowed to write to the pipeline. Ctrl+C cancels the work and waits
    /// for it to stop, so its reports are complete.
    /// </summary>
    protected T RunRelayed<T>(Func<BlockingCollection<Action>, CancellationToken, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return PipelineRelay.Run(events => work(events, Cancellation), _cancellation);
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
        }

        _disposed = true;
    }
}
