using System.Collections;
using System.Collections.Immutable;
using System.Text.Json;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;

namespace HdIov.PowerShell.Fleet;

/// <summary>
/// A host reached with PowerShell remoting over SSH: the module's own cmdlets run on the host (it must have the HdIov
/// module installed and the <c>powershell</c> subsystem in its sshd configuration), and their machine-readable answers
/// (the plan's JSON, small JSON replies) become the rollout's reports. The host root is the remote session's default
/// (<c>/</c>, or the <c>HDIOV_HOST_ROOT</c> its server sets). The session is opened by <see cref="Connect"/>, and again
/// after <see cref="Reboot"/> by the next call; a rollout lock taken before a reboot is taken again on the new session.
/// </summary>
public sealed class SshFleetTarget : IFleetTarget
{
    private static readonly TimeSpan OwnLockPoll = TimeSpan.FromMilliseconds(250);
    private readonly SshTransport _transport;
    private readonly TimeSpan _connectTimeout;
    private readonly Lock _gate = new();
    private SshRunspace? _session;
    private string? _lockHolder;

    private SshFleetTarget(string hostName, SshTransport transport, TimeSpan connectTimeout)
    {
        HostName = hostName;
        _transport = transport;
        _connectTimeout = connectTimeout;
    }

    public string HostName { get; }

    /// <summary>
    /// A target for <paramref name="host"/>, connecting within <paramref name="connectTimeout"/> (the strategy's, never
    /// unlimited); nothing connects until <see cref="Connect"/>.
    /// </summary>
    public static SshFleetTarget Open(FleetHost host, SshTransport transport, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Open(host.Name, transport, connectTimeout);
    }

    /// <summary>A target for the host named <paramref name="hostName"/> in the fleet; nothing connects until <see cref="Connect"/>.</summary>
    public static SshFleetTarget Open(string hostName, SshTransport transport, TimeSpan connectTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostName);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        // An empty user or file is not given at all: ssh would be asked for user "" instead of the current one.
        var given = transport with
        {
            User = NullIfEmpty(transport.User),
            KeyFile = NullIfEmpty(transport.KeyFile),
            KnownHostsFile = NullIfEmpty(transport.KnownHostsFile),
        };
        return new SshFleetTarget(hostName, given, connectTimeout);
    }

    public void Connect(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Session(cancellationToken);
        }
    }

    public IDisposable LockForRollout(string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        lock (_gate)
        {
            if (_lockHolder is not null)
            {
                throw new InvalidOperationException($"this target already holds the rollout lock of host '{HostName}' for {_lockHolder}");
            }

            TakeLock(Session(cancellationToken), holder, cancellationToken);
            _lockHolder = holder;
            return new RolloutLockHandle(this);
        }
    }

    public HostPlanReport Plan(string specYaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specYaml);
        var answer = Call(RemoteScripts.Plan, WithSpec(specYaml), cancellationToken);
        var shape = ShapeOf(answer.GetProperty("Shape"));
        var errors = ErrorsOf(answer);
        if (errors.Count > 0 || answer.GetProperty("Plan").ValueKind != JsonValueKind.String)
        {
            return new HostPlanReport(HostName, 0, Disruption.None, 0, 0, NeedsReboot: false, 0, shape, errors);
        }

        var plan = PlanSerializer.FromJson(answer.GetProperty("Plan").GetString()!);
        return new HostPlanReport(
            HostName,
            plan.Steps.Length,
            plan.HighestDisruption,
            plan.Steps.Count(s => s.Operation is CreateMdev),
            plan.Steps.Count(s => s.Operation is RemoveMdev),
            !PendingReboots.Of(plan).IsEmpty,
            VmsTouched(plan),
            shape,
            []);
    }

    public HostApplyReport Converge(string specYaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specYaml);
        var answer = Call(RemoteScripts.Converge, WithSpec(specYaml), cancellationToken);
        var done = answer.GetProperty("StepsDone").GetInt32();
        var errors = ErrorsOf(answer);
        if (errors.Count > 0 || answer.GetProperty("Left").ValueKind != JsonValueKind.String)
        {
            return new HostApplyReport(done, PendingReboot: false, Converged: false, errors);
        }

        var left = PlanSerializer.FromJson(answer.GetProperty("Left").GetString()!);
        var pending = !PendingReboots.Of(left).IsEmpty;
        return new HostApplyReport(done, pending, left.IsEmpty && left.PendingReboot.IsEmpty, []);
    }

    public HostHealthReport CheckHealth(string specYaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specYaml);
        var answer = Call(RemoteScripts.Health, WithSpec(specYaml), cancellationToken);
        return new HostHealthReport(answer.GetProperty("Healthy").GetBoolean(), answer.GetProperty("Reason").GetString());
    }

    /// <summary>Runs the check with <c>/bin/sh -c</c> on the host, in the remote session's environment; killed at its timeout.</summary>
    public HostHealthReport RunHealthCommand(HealthCheck check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var answer = Call(
            RemoteScripts.HealthCommand,
            new Hashtable { ["Command"] = check.Command, ["TimeoutMilliseconds"] = (int)check.Timeout.TotalMilliseconds },
            cancellationToken);
        if (answer.GetProperty("TimedOut").GetBoolean())
        {
            return new HostHealthReport(false, $"the health command did not finish within {check.Timeout.TotalSeconds:0.#}s");
        }

        var exitCode = answer.GetProperty("ExitCode").GetInt32();
        var said = answer.GetProperty("Said").GetString() ?? string.Empty;
        return exitCode == 0
            ? new HostHealthReport(true, null)
            : new HostHealthReport(false, $"the health command exited with {exitCode}{(said.Length > 0 ? ": " + said : string.Empty)}");
    }

    public string BootId(CancellationToken cancellationToken) =>
        Call(RemoteScripts.BootId, new Hashtable { ["BootIdPath"] = KernelPaths.BootId }, cancellationToken).GetString()
        ?? throw new FleetTargetUnreachableException(HostName, "the host gave no boot id");

    /// <summary>
    /// Asks the host to reboot, then closes the session (a rebooting host drops it anyway); the next call connects again.
    /// A session that ends under the request is the reboot starting, not an unreachable host.
    /// </summary>
    public void Reboot(CancellationToken cancellationToken)
    {
        Connect(cancellationToken);
        JsonElement answer;
        try
        {
            answer = Call(RemoteScripts.Reboot, null, cancellationToken);
        }
        catch (FleetTargetUnreachableException)
        {
            return;
        }

        var exitCode = answer.GetProperty("ExitCode").GetInt32();
        if (exitCode != 0)
        {
            throw RemoteFailure.Of(HostName, $"refused to reboot: systemctl reboot exited with {exitCode}: {answer.GetProperty("Said").GetString()}", "reboot the host by hand, then resume the rollout");
        }

        lock (_gate)
        {
            _session?.Dispose();
            _session = null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lockHolder = null;
            _session?.Dispose();
            _session = null;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int VmsTouched(Plan plan) =>
        plan.Steps
            .Select(s => s.Operation switch
            {
                AttachVdevToVm attach => $"{attach.Uri}|{attach.Domain}",
                DetachVdevFromVm detach => $"{detach.Uri}|{detach.Domain}",
                _ => null,
            })
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Count();

    private static HardwareShape ShapeOf(JsonElement shape) =>
        new(
            shape.GetProperty("CpuModel").GetString() ?? string.Empty,
            shape.GetProperty("Families").EnumerateArray().Select(f => f.GetString()!).ToImmutableSortedSet(StringComparer.Ordinal),
            shape.GetProperty("KernelRelease").GetString() ?? string.Empty);

    private static List<HostError> ErrorsOf(JsonElement answer) =>
        answer.GetProperty("Errors").ValueKind == JsonValueKind.Array
            ? [.. answer.GetProperty("Errors").EnumerateArray().Select(e => new HostError(
                e.GetProperty("Code").GetString() ?? "RemoteError",
                e.GetProperty("Message").GetString() ?? string.Empty,
                e.GetProperty("Fix").GetString()))]
            : [];

    private Hashtable WithSpec(string specYaml) => new() { ["HostName"] = HostName, ["SpecYaml"] = specYaml };

    private JsonElement Call(string script, IDictionary? parameters, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var session = Session(cancellationToken);
            string json;
            try
            {
                json = session.Invoke(script, parameters, cancellationToken);
            }
            catch (FleetTargetUnreachableException)
            {
                session.Dispose();
                _session = null;
                throw;
            }

            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The open session; a new one when there is none or the last one broke (the lock is taken again on it).</summary>
    private SshRunspace Session(CancellationToken cancellationToken)
    {
        if (_session is { IsOpen: true })
        {
            return _session;
        }

        _session?.Dispose();
        _session = null;
        var session = SshRunspace.Open(HostName, _transport, _connectTimeout, cancellationToken);
        try
        {
            try
            {
                session.Invoke(RemoteScripts.Prepare, null, cancellationToken);
            }
            catch (HdIovException noModule)
            {
                throw new FleetTargetUnreachableException(
                    HostName,
                    $"the HdIov module could not be imported on the host; install it from its package (Install-PSResource HdIov): {noModule.Diagnostics[0].Message}",
                    noModule);
            }

            if (_lockHolder is not null)
            {
                TakeLock(session, _lockHolder, cancellationToken);
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        _session = session;
        return session;
    }

    /// <summary>
    /// Takes the rollout lock on <paramref name="session"/>. A lock held under this very holder is this rollout's own, on
    /// a session that is ending (the one closed for a reboot, whose process the host has not ended yet): it is waited
    /// for, within the call's cancellation (the connect timeout), rather than failing the host as locked by another.
    /// </summary>
    private void TakeLock(SshRunspace session, string holder, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var answer = JsonDocument.Parse(session.Invoke(RemoteScripts.Lock, new Hashtable { ["Holder"] = holder, ["LockPath"] = KernelPaths.RolloutLock, ["HolderPath"] = KernelPaths.RolloutHolder }, cancellationToken));
            if (answer.RootElement.GetProperty("Held").GetBoolean())
            {
                return;
            }

            var named = answer.RootElement.GetProperty("Holder").GetString() ?? "another process";
            if (!string.Equals(named, holder, StringComparison.Ordinal))
            {
                throw new FleetTargetLockedException(HostName, named);
            }

            Task.Delay(OwnLockPoll, cancellationToken).GetAwaiter().GetResult();
        }
    }

    private void Unlock()
    {
        lock (_gate)
        {
            if (_lockHolder is null)
            {
                return;
            }

            _lockHolder = null;
            if (_session is { IsOpen: true } session)
            {
                try
                {
                    session.Invoke(RemoteScripts.Unlock, null, CancellationToken.None);
                }
                catch (FleetTargetUnreachableException)
                {
                    // The session is gone, and the kernel dropped its flock with it.
                }
            }
        }
    }

    private sealed class RolloutLockHandle(SshFleetTarget target) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                target.Unlock();
            }
        }
    }
}
