using System.Collections;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;

namespace HdIov.PowerShell.Fleet;

/// <summary>
/// A PowerShell session on a host over SSH: the <c>powershell</c> subsystem, a key, strict host-key checking, no prompt
/// (<c>BatchMode</c>), a connect timeout that is always set, and keep-alives so a host that dies mid-call breaks the
/// session instead of hanging it. Every failure to reach the host is a <see cref="FleetTargetUnreachableException"/>
/// whose reason is what ssh said.
/// </summary>
internal sealed class SshRunspace : IDisposable
{
    private const string Subsystem = "powershell";
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(5);

    private readonly string _hostName;
    private readonly Runspace _runspace;

    private SshRunspace(string hostName, Runspace runspace)
    {
        _hostName = hostName;
        _runspace = runspace;
    }

    public bool IsOpen => _runspace.RunspaceStateInfo.State == RunspaceState.Opened;

    /// <summary>Connects within <paramref name="connectTimeout"/>; a key file that does not exist fails before ssh runs.</summary>
    public static SshRunspace Open(string hostName, SshTransport transport, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        cancellationToken.ThrowIfCancellationRequested();
        if (transport.KeyFile is { } key && !File.Exists(key))
        {
            throw new FleetTargetUnreachableException(hostName, $"its key file '{key}' does not exist");
        }

        if (transport.KnownHostsFile is { } known && !File.Exists(known))
        {
            throw new FleetTargetUnreachableException(hostName, $"its known-hosts file '{known}' does not exist");
        }

        var user = transport.User ?? Environment.UserName;
        var info = new SSHConnectionInfo(user, transport.Host, transport.KeyFile, transport.Port, Subsystem, (int)connectTimeout.TotalMilliseconds, Options(transport, connectTimeout));
        var runspace = RunspaceFactory.CreateRunspace(info);
        var clock = Stopwatch.StartNew();
        using var settled = new ManualResetEventSlim();
        void Settle(object? sender, RunspaceStateEventArgs change)
        {
            if (change.RunspaceStateInfo.State is not (RunspaceState.BeforeOpen or RunspaceState.Opening))
            {
                settled.Set();
            }
        }

        runspace.StateChanged += Settle;
        try
        {
            runspace.OpenAsync();
            try
            {
                // PowerShell's own connecting timeout ends the attempt; the longer wait only guards against it not doing so.
                settled.Wait(connectTimeout + TimeSpan.FromSeconds(5), cancellationToken);
            }
            finally
            {
                runspace.StateChanged -= Settle;
            }

            var state = runspace.RunspaceStateInfo;
            if (state.State != RunspaceState.Opened)
            {
                throw new FleetTargetUnreachableException(
                    hostName,
                    clock.Elapsed >= connectTimeout
                        ? string.Create(CultureInfo.InvariantCulture, $"no SSH session within the connect timeout of {connectTimeout.TotalSeconds:0.#}s ({transport.Host}:{transport.Port})")
                        : SshProbe.WhyRefused(user, transport, Subsystem, Options(transport, connectTimeout), connectTimeout) ?? $"ssh failed: {state.Reason?.Message ?? state.State.ToString()}",
                    state.Reason);
            }

            return new SshRunspace(hostName, runspace);
        }
        catch
        {
            runspace.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a script that answers with one line of JSON and gives that line. A script's own terminating error is a
    /// <see cref="HdIovException"/> (<see cref="RemoteFailure"/>); a session that broke under it is an unreachable host.
    /// </summary>
    public string Invoke(string script, IDictionary? parameters, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        if (parameters is not null)
        {
            shell.AddParameters(parameters);
        }

        Collection<PSObject> output;
        try
        {
            using (cancellationToken.Register(() => shell.BeginStop(null, null)))
            {
                output = shell.Invoke();
            }
        }
        catch (PipelineStoppedException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception failure) when (failure is PSRemotingTransportException or PSRemotingDataStructureException or InvalidRunspaceStateException || !IsOpen)
        {
            throw new FleetTargetUnreachableException(_hostName, $"the SSH session ended: {failure.Message}", failure);
        }
        catch (RuntimeException remote)
        {
            throw RemoteFailure.Of(_hostName, remote.ErrorRecord?.ToString() ?? remote.Message, "run the same command in a session on the host to see the whole error");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!IsOpen)
        {
            throw new FleetTargetUnreachableException(_hostName, "the SSH session ended: " + (_runspace.RunspaceStateInfo.Reason?.Message ?? "the connection closed"));
        }

        var answer = output.LastOrDefault(o => o?.BaseObject is string)?.BaseObject as string;
        return answer ?? throw RemoteFailure.Of(
            _hostName,
            "the remote script gave no answer" + (shell.Streams.Error.Count > 0 ? ": " + string.Join("; ", shell.Streams.Error.Select(e => e.ToString())) : string.Empty),
            "check that the host's HdIov module is the same version as this one");
    }

    public void Dispose() => _runspace.Dispose();

    /// <summary>The ssh options every connection uses.</summary>
    internal static Hashtable Options(SshTransport transport, TimeSpan connectTimeout)
    {
        var options = new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["BatchMode"] = "yes",
            ["StrictHostKeyChecking"] = "yes",
            ["ConnectTimeout"] = Math.Max(1, (int)Math.Ceiling(connectTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            ["ServerAliveInterval"] = ((int)KeepAlive.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["ServerAliveCountMax"] = "3",
        };
        if (transport.KeyFile is not null)
        {
            options["IdentitiesOnly"] = "yes";
        }

        if (transport.KnownHostsFile is not null)
        {
            options["UserKnownHostsFile"] = transport.KnownHostsFile;
            options["GlobalKnownHostsFile"] = "/dev/null";
        }

        return options;
    }
}
