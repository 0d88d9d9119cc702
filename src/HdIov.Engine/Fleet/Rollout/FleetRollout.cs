using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>
/// Rolls a fleet out wave by wave through <see cref="IFleetTarget"/>s, whatever their transport. Within a wave at most
/// <see cref="RolloutStrategy.Throttle"/> hosts converge at once and at most <see cref="RolloutStrategy.MaxUnavailable"/>
/// are disrupted at once (rebooting, or with a VM's device touched). Every finished host counts against the wave's and
/// the fleet's failure budgets per cause; a budget <em>exceeded</em> lets the hosts in flight finish, starts no other,
/// and marks every host not attempted as skipped with the reason. Before each wave after the first, the hosts already
/// done are checked again, and a failing one counts against the fleet's budget. Between waves the strategy pauses (a
/// manual gate stops the rollout until it is resumed). A host is done only when its health check passes; a plan that
/// stops at a reboot barrier reboots the host (policy <c>whenNeeded</c>, at most <c>maxPerHost</c> times), waits for a
/// changed boot id within the connect timeout, and converges again. Each finished host is appended to the journal's
/// records; the whole journal is written at the start, after every wave and at the end.
/// </summary>
public sealed class FleetRollout
{
    private readonly FleetSpec _fleet;
    private readonly ImmutableArray<RolloutHost> _hosts;
    private readonly Func<FleetHost, IFleetTarget> _targets;
    private readonly FleetRolloutOptions _options;
    private readonly RolloutStrategy _strategy;
    private readonly object _gate = new();
    private readonly Dictionary<string, HostRolloutResult> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<int, DateTimeOffset> _waveStarts = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly HashSet<string> _leftAlone;
    private ImmutableArray<Wave> _waves = [];
    private Dictionary<string, int> _waveOf = new(StringComparer.Ordinal);
    private FailureCounts _fleetFailures = FailureCounts.Zero;
    private FailureCounts _waveFailures = FailureCounts.Zero;
    private int _waveSize;
    private string? _haltReason;
    private int? _haltedAtWave;
    private int _gatesPassed;
    private long _journalSequence;

    public FleetRollout(FleetSpec fleet, ImmutableArray<AssignedHost> hosts, Func<FleetHost, IFleetTarget> targets, FleetRolloutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(targets);
        _fleet = fleet;
        _strategy = fleet.Strategy;
        _hosts = [.. hosts.Select(RolloutHost.Render)];
        _targets = targets;
        _options = options ?? new FleetRolloutOptions();
        RolloutId = $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}";
        Holder = _options.Holder ?? $"rollout {RolloutId} of {Environment.UserName}@{Environment.MachineName} (process {Environment.ProcessId})";
        _gatesPassed = _options.Resume?.GatesPassed ?? 0;
        _leftAlone = LeftAlone(_hosts, _options.Resume);
    }

    public string RolloutId { get; }

    /// <summary>What the hosts' rollout locks name.</summary>
    public string Holder { get; }

    /// <summary>The hosts with their rendered specs, in the fleet's order.</summary>
    public ImmutableArray<RolloutHost> Hosts => _hosts;

    /// <summary>The waves, known once <see cref="Run"/> has planned them.</summary>
    public ImmutableArray<Wave> Waves => _waves;

    /// <summary>Runs the rollout to its end, a halt, a gate, a declined wave or cancellation; the reports are written at each of them.</summary>
    public RolloutSummary Run(CancellationToken cancellationToken)
    {
        var byName = _hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        _waves = PlanWaves(_hosts, _targets, _strategy, _options.Resume, cancellationToken);
        _waveOf = _waves.SelectMany(w => w.Hosts.Select(h => (h.Host.Name, w.Number))).ToDictionary(p => p.Name, p => p.Number, StringComparer.Ordinal);
        var outcome = RolloutOutcome.Completed;
        WriteJournal(outcome: RolloutJournal.Running);
        foreach (var wave in _waves)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = RolloutOutcome.Cancelled;
                SkipRest(wave.Number, "the rollout was cancelled before this host was reached");
                break;
            }

            if (wave.Number > 1 && !CheckDoneHosts(wave, cancellationToken))
            {
                outcome = RolloutOutcome.Halted;
                SkipRest(wave.Number, $"halted: {_haltReason}");
                break;
            }

            if (_options.ConfirmWave is { } confirm && !confirm(wave))
            {
                outcome = RolloutOutcome.Declined;
                _haltReason = $"wave {wave.Number} was declined";
                _haltedAtWave = wave.Number;
                SkipRest(wave.Number, _haltReason);
                break;
            }

            lock (_gate)
            {
                _waveStarts[wave.Number] = DateTimeOffset.UtcNow;
                _waveFailures = FailureCounts.Zero;
                _waveSize = wave.Hosts.Length;
            }

            _options.WaveStarted?.Invoke(wave);
            RunWave(wave, byName, cancellationToken);
            WriteReports(RolloutOutcome.Completed);
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = RolloutOutcome.Cancelled;
                _haltReason ??= $"the rollout was cancelled during wave {wave.Number}";
                _haltedAtWave ??= wave.Number;
                SkipRest(wave.Number + 1, "the rollout was cancelled before this host was reached");
                break;
            }

            if (_haltReason is not null)
            {
                outcome = RolloutOutcome.Halted;
                SkipRest(wave.Number + 1, $"halted: {_haltReason}");
                break;
            }

            if (wave.Number == _waves.Length)
            {
                break;
            }

            if (_strategy.Pause.Manual && wave.Number > _gatesPassed)
            {
                outcome = RolloutOutcome.HaltedAtGate;
                _haltedAtWave = wave.Number;
                _gatesPassed = wave.Number;
                _haltReason = $"the manual gate after wave {wave.Number}: check the hosts, then resume the rollout from its journal";
                SkipRest(wave.Number + 1, $"waiting at {_haltReason}");
                break;
            }

            if (_strategy.Pause.Duration > TimeSpan.Zero)
            {
                try
                {
                    _options.Delay(_strategy.Pause.Duration, cancellationToken).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                }
            }
        }

        return WriteReports(outcome);
    }

    /// <summary>Connects within <paramref name="timeout"/>; running out of it is an unreachable host.</summary>
    public static void Connect(IFleetTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(timeout);
        try
        {
            target.Connect(connect.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FleetTargetUnreachableException(target.HostName, $"no connection within the connect timeout ({Describe(timeout)})");
        }
    }

    /// <summary>
    /// The waves a rollout of <paramref name="hosts"/> runs, as <see cref="Run"/> cuts them: with hardware canaries the
    /// hosts are planned (changing nothing) for their shapes, except those <paramref name="resume"/> leaves alone,
    /// which are never canaries.
    /// What <c>-WhatIf</c> shows.
    /// </summary>
    public static ImmutableArray<Wave> PlanWaves(
        ImmutableArray<RolloutHost> hosts,
        Func<FleetHost, IFleetTarget> targets,
        RolloutStrategy strategy,
        RolloutJournal? resume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(strategy);
        IReadOnlyDictionary<string, HardwareShape>? shapes = null;
        var leftAlone = LeftAlone(hosts, resume);
        if (strategy.HardwareCanaries)
        {
            var plans = FleetPlanning.PlanAll([.. hosts.Where(h => !leftAlone.Contains(h.Name))], targets, strategy, null, cancellationToken);
            shapes = FleetPlanning.Shapes(plans);
        }

        return WavePlanner.Plan([.. hosts.Select(h => h.Assigned)], strategy, shapes, leftAlone);
    }

    /// <summary>The hosts <paramref name="resume"/> records as done under the spec they have now: a resume does not contact them.</summary>
    private static HashSet<string> LeftAlone(ImmutableArray<RolloutHost> hosts, RolloutJournal? resume)
    {
        if (resume is null)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var previous = resume.Hosts.ToLookup(h => h.Name, StringComparer.Ordinal);
        return hosts
            .Where(h => h.SpecText is not null && previous[h.Name].LastOrDefault() is { } done && done.IsDoneUnder(h.SpecHash))
            .Select(h => h.Name)
            .ToHashSet(StringComparer.Ordinal);
    }

    private void RunWave(Wave wave, Dictionary<string, RolloutHost> byName, CancellationToken cancellationToken)
    {
        using var throttle = new SemaphoreSlim(Math.Max(1, _strategy.Throttle));
        using var disruption = new SemaphoreSlim(_strategy.MaxUnavailable.Resolve(_hosts.Length));
        var running = new List<Task>();
        foreach (var assigned in wave.Hosts)
        {
            var host = byName[assigned.Host.Name];
            if (IsResumedDone(host))
            {
                Record(Result(host, HostRolloutStatus.Unchanged, TimeSpan.Zero, message: $"converged by rollout {_options.Resume!.RolloutId} under the same spec; not contacted"));
                continue;
            }

            try
            {
                throttle.Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Record(Result(host, HostRolloutStatus.Skipped, TimeSpan.Zero, message: "the rollout was cancelled before this host was reached"));
                continue;
            }

            // A slot freed by a host that stopped for the cancellation can win against the cancellation itself.
            if (cancellationToken.IsCancellationRequested)
            {
                throttle.Release();
                Record(Result(host, HostRolloutStatus.Skipped, TimeSpan.Zero, message: "the rollout was cancelled before this host was reached"));
                continue;
            }

            string? halt;
            lock (_gate)
            {
                halt = _haltReason;
            }

            if (halt is not null)
            {
                throttle.Release();
                Record(Result(host, HostRolloutStatus.Skipped, TimeSpan.Zero, message: $"halted: {halt}"));
                continue;
            }

            running.Add(Task.Run(
                () =>
                {
                    try
                    {
                        Record(RunHost(host, disruption, cancellationToken));
                    }
                    finally
                    {
                        throttle.Release();
                    }
                },
                CancellationToken.None));
        }

        Task.WaitAll([.. running], CancellationToken.None);
    }

    private HostRolloutResult RunHost(RolloutHost host, SemaphoreSlim disruption, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var steps = 0;
        var reboots = 0;
        if (host.SpecText is null)
        {
            var error = host.SpecErrors.FirstOrDefault();
            return Result(host, HostRolloutStatus.Failed, clock.Elapsed, error?.Code, error?.Message ?? "the spec does not render", FailureCause.ApplyFailed);
        }

        using var hostTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hostTimeout.CancelAfter(_strategy.HostTimeout);
        var token = hostTimeout.Token;
        SemaphoreSlim? disrupting = null;
        try
        {
            Activity(host, "connecting");
            using var target = _targets(host.Assigned.Host);
            Connect(target, _strategy.ConnectTimeout, token);
            using var rolloutLock = target.LockForRollout(Holder, token);
            Activity(host, "planning");
            var plan = target.Plan(host.SpecText, token);
            if (plan.Errors.Count > 0)
            {
                return Refused(host, plan.Errors, clock.Elapsed);
            }

            if (plan.Steps == 0 && !plan.NeedsReboot)
            {
                return Healthy(host, target, HostRolloutStatus.Unchanged, 0, 0, clock, token);
            }

            if (plan.NeedsReboot || plan.VmsTouched > 0 || plan.HighestDisruption >= Planning.Disruption.VmRestart)
            {
                Activity(host, "waiting for a disruption slot (maxUnavailable)");
                disruption.Wait(token);
                disrupting = disruption;
            }

            while (true)
            {
                Activity(host, reboots == 0 ? "converging" : $"converging after reboot {reboots}");
                var applied = target.Converge(host.SpecText, token);
                steps += applied.StepsDone;
                if (applied.Errors.Count > 0)
                {
                    return Refused(host, applied.Errors, clock.Elapsed, steps, reboots);
                }

                if (!applied.PendingReboot)
                {
                    break;
                }

                if (_strategy.Reboot == RebootPolicy.Never)
                {
                    return Result(host, HostRolloutStatus.Converged, clock.Elapsed, message: "changes wait for a reboot; the reboot policy is never", steps: steps, pendingReboot: true);
                }

                if (reboots >= _strategy.MaxRebootsPerHost)
                {
                    return Result(
                        host,
                        HostRolloutStatus.Failed,
                        clock.Elapsed,
                        FleetDiagnosticCodes.HostNotConverged,
                        $"still waits for a reboot after {reboots} reboot{(reboots == 1 ? string.Empty : "s")} (reboot.maxPerHost {_strategy.MaxRebootsPerHost})",
                        FailureCause.ApplyFailed,
                        steps,
                        reboots,
                        pendingReboot: true);
                }

                Activity(host, "rebooting");
                Reboot(target, token);
                reboots++;
            }

            disrupting?.Release();
            disrupting = null;
            return Healthy(host, target, steps == 0 && reboots == 0 ? HostRolloutStatus.Unchanged : HostRolloutStatus.Converged, steps, reboots, clock, token);
        }
        catch (FleetTargetUnreachableException unreachable)
        {
            return Result(host, HostRolloutStatus.Unreachable, clock.Elapsed, FleetDiagnosticCodes.HostUnreachable, unreachable.Message, FailureCause.Unreachable, steps, reboots);
        }
        catch (FleetTargetLockedException locked)
        {
            return Result(host, HostRolloutStatus.Failed, clock.Elapsed, FleetDiagnosticCodes.HostLockedByRollout, locked.Message, FailureCause.ApplyFailed, steps, reboots);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(host, HostRolloutStatus.Halted, clock.Elapsed, message: "the rollout was cancelled while this host was converging", steps: steps, reboots: reboots);
        }
        catch (OperationCanceledException)
        {
            return Result(host, HostRolloutStatus.Failed, clock.Elapsed, FleetDiagnosticCodes.HostTimedOut, $"did not finish within the host timeout ({Describe(_strategy.HostTimeout)})", FailureCause.ApplyFailed, steps, reboots);
        }
        catch (HdIovException refused)
        {
            var first = refused.Diagnostics.Count > 0 ? refused.Diagnostics[0] : null;
            return Result(host, HostRolloutStatus.Failed, clock.Elapsed, first?.Code ?? FleetDiagnosticCodes.HostNotConverged, first?.Message ?? refused.Message, FailureCause.ApplyFailed, steps, reboots);
        }
        finally
        {
            disrupting?.Release();
        }
    }

    /// <summary>Reboots the host and waits, within the connect timeout, for it to answer with another boot id.</summary>
    private void Reboot(IFleetTarget target, CancellationToken cancellationToken)
    {
        var before = target.BootId(cancellationToken);
        target.Reboot(cancellationToken);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Connect(target, _strategy.ConnectTimeout, cancellationToken);
                if (target.BootId(cancellationToken) is { Length: > 0 } now && !string.Equals(now, before, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (FleetTargetUnreachableException) when (deadline.Elapsed < _strategy.ConnectTimeout)
            {
            }

            if (deadline.Elapsed >= _strategy.ConnectTimeout)
            {
                throw new FleetTargetUnreachableException(target.HostName, $"did not come back with a new boot id within the connect timeout ({Describe(_strategy.ConnectTimeout)}) after a reboot");
            }

            _options.Delay(_options.BootPollInterval, cancellationToken).GetAwaiter().GetResult();
        }
    }

    private HostRolloutResult Healthy(RolloutHost host, IFleetTarget target, HostRolloutStatus status, int steps, int reboots, Stopwatch clock, CancellationToken cancellationToken)
    {
        Activity(host, "checking health");
        var health = target.CheckHealth(host.SpecText!, cancellationToken);
        if (health.Healthy && host.Assigned.Group.Health is { } check)
        {
            health = target.RunHealthCommand(check, cancellationToken);
        }

        return health.Healthy
            ? Result(host, status, clock.Elapsed, steps: steps, reboots: reboots)
            : Result(host, HostRolloutStatus.Failed, clock.Elapsed, FleetDiagnosticCodes.HostNotConverged, $"failed its health check: {health.Reason}", FailureCause.HealthFailed, steps, reboots);
    }

    private HostRolloutResult Refused(RolloutHost host, IReadOnlyList<HostError> errors, TimeSpan elapsed, int steps = 0, int reboots = 0)
    {
        var held = errors.FirstOrDefault(e => e.Code == DiagnosticCodes.DeviceHeld);
        if (held is not null && _strategy.OnHeldDevice == HeldDevicePolicy.Skip)
        {
            return Result(host, HostRolloutStatus.Skipped, elapsed, held.Code, $"left unchanged (onHeldDevice: skip): {held.Message}", null, steps, reboots);
        }

        var first = held ?? errors[0];
        var more = errors.Count > 1 ? $" (and {errors.Count - 1} more)" : string.Empty;
        return Result(host, HostRolloutStatus.Failed, elapsed, first.Code, first.Message + more, FailureCause.ApplyFailed, steps, reboots);
    }

    /// <summary>
    /// Checks the hosts earlier waves left done; one that is no longer healthy fails now and counts against the fleet's
    /// budget. False when that budget is exceeded.
    /// </summary>
    private bool CheckDoneHosts(Wave wave, CancellationToken cancellationToken)
    {
        List<HostRolloutResult> done;
        lock (_gate)
        {
            done = [.. _results.Values.Where(r => r.IsDone && r.Wave < wave.Number)];
        }

        var byName = _hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        try
        {
            CheckHealth(done, byName, wave, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The wave that follows sees the cancellation and skips its hosts.
        }

        lock (_gate)
        {
            return _haltReason is null;
        }
    }

    private void CheckHealth(List<HostRolloutResult> done, Dictionary<string, RolloutHost> byName, Wave wave, CancellationToken cancellationToken) =>
        Parallel.ForEach(
            done,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _strategy.Throttle), CancellationToken = cancellationToken },
            result =>
            {
                var host = byName[result.HostName];
                HostHealthReport health;
                try
                {
                    using var target = _targets(host.Assigned.Host);
                    Connect(target, _strategy.ConnectTimeout, cancellationToken);
                    health = target.CheckHealth(host.SpecText!, cancellationToken);
                }
                catch (FleetTargetUnreachableException unreachable)
                {
                    health = new HostHealthReport(false, unreachable.Message);
                }

                if (!health.Healthy)
                {
                    Record(
                        result with
                        {
                            Status = HostRolloutStatus.Failed,
                            ErrorCode = FleetDiagnosticCodes.HostNotConverged,
                            Message = $"failed its health check before wave {wave.Number}: {health.Reason}",
                            Cause = FailureCause.HealthFailed,
                            Finished = DateTimeOffset.UtcNow,
                        },
                        beforeWave: wave.Number);
                }
            });

    /// <summary>Records a host's result; <paramref name="beforeWave"/> is set for a pre-wave health failure, which counts for the fleet only.</summary>
    private void Record(HostRolloutResult result, int? beforeWave = null)
    {
        var fleetOnly = beforeWave is not null;
        lock (_gate)
        {
            _results[result.HostName] = result;
            if (result.Cause is { } cause)
            {
                _fleetFailures = _fleetFailures.Add(cause);
                if (!fleetOnly)
                {
                    _waveFailures = _waveFailures.Add(cause);
                }

                if (_haltReason is null)
                {
                    if (!fleetOnly && _strategy.PerWaveBudget.Exceeded(_waveFailures, _waveSize) is { } waveCause)
                    {
                        Halt("per-wave", _strategy.PerWaveBudget, waveCause, _waveFailures, _waveSize, result.Wave);
                    }
                    else if (_strategy.FleetBudget.Exceeded(_fleetFailures, _hosts.Length) is { } fleetCause)
                    {
                        Halt("fleet", _strategy.FleetBudget, fleetCause, _fleetFailures, _hosts.Length, beforeWave ?? result.Wave);
                    }
                }
            }

            AppendJournal(result);
        }

        _options.HostFinished?.Invoke(result);
    }

    private void Halt(string scope, FailureBudget budget, FailureCause cause, FailureCounts counts, int hosts, int wave)
    {
        var limit = cause switch
        {
            FailureCause.Unreachable => budget.Unreachable,
            FailureCause.ApplyFailed => budget.ApplyFailed,
            FailureCause.HealthFailed => budget.HealthFailed,
            _ => budget.Any,
        };
        var failures = cause switch
        {
            FailureCause.Unreachable => counts.Unreachable,
            FailureCause.ApplyFailed => counts.ApplyFailed,
            FailureCause.HealthFailed => counts.HealthFailed,
            _ => counts.Total,
        };
        var what = cause switch
        {
            FailureCause.Unreachable => "unreachable",
            FailureCause.ApplyFailed => "applyFailed",
            FailureCause.HealthFailed => "healthFailed",
            _ => "any",
        };
        _haltedAtWave = Math.Min(wave, _waves.Length);
        _haltReason = string.Create(
            CultureInfo.InvariantCulture,
            $"the {scope} failure budget '{what}' ({FailureBudget.Describe(limit!.Value, hosts)}) was exceeded at wave {_haltedAtWave}: {failures} host{(failures == 1 ? string.Empty : "s")} failed ({what})");
    }

    private void SkipRest(int fromWave, string reason)
    {
        foreach (var wave in _waves.Where(w => w.Number >= fromWave))
        {
            foreach (var assigned in wave.Hosts)
            {
                bool known;
                lock (_gate)
                {
                    known = _results.ContainsKey(assigned.Host.Name);
                }

                if (!known)
                {
                    var host = _hosts.First(h => h.Name == assigned.Host.Name);
                    Record(IsResumedDone(host)
                        ? Result(host, HostRolloutStatus.Unchanged, TimeSpan.Zero, message: $"converged by rollout {_options.Resume!.RolloutId} under the same spec; not contacted")
                        : Result(host, HostRolloutStatus.Skipped, TimeSpan.Zero, message: reason));
                }
            }
        }
    }

    private bool IsResumedDone(RolloutHost host) => _leftAlone.Contains(host.Name);

    private HostRolloutResult Result(
        RolloutHost host,
        HostRolloutStatus status,
        TimeSpan duration,
        string? code = null,
        string? message = null,
        FailureCause? cause = null,
        int steps = 0,
        int reboots = 0,
        bool pendingReboot = false) =>
        new(host.Name, host.Group, _waveOf.GetValueOrDefault(host.Name), status, steps, reboots, pendingReboot, duration, code, message, cause, host.SpecHash, DateTimeOffset.UtcNow);

    private void Activity(RolloutHost host, string activity) => _options.HostActivity?.Invoke(host, activity);

    private RolloutSummary Summary(RolloutOutcome outcome)
    {
        lock (_gate)
        {
            var ordered = _waves.SelectMany(w => w.Hosts).Select(h => _results.GetValueOrDefault(h.Host.Name)).OfType<HostRolloutResult>().ToImmutableArray();
            return new RolloutSummary(RolloutId, _fleet.Name, outcome, ordered, _fleetFailures, _haltedAtWave, _haltReason, _started, _clock.Elapsed);
        }
    }

    private RolloutSummary WriteReports(RolloutOutcome outcome)
    {
        var summary = Summary(outcome);
        lock (_gate)
        {
            WriteJournal(outcome.ToString());
            if (_options.JUnitPath is { } junit)
            {
                AtomicFile.Write(junit, RolloutReports.JUnit(summary, _waveStarts));
            }

            if (_options.MarkdownPath is { } markdown)
            {
                AtomicFile.Write(markdown, RolloutReports.Markdown(summary));
            }
        }

        return summary;
    }

    // Called under _gate: the whole journal, which takes in the records appended so far.
    private void WriteJournal(string outcome)
    {
        if (_options.JournalPath is not { } path)
        {
            return;
        }

        var hosts = _hosts.Select(h => _results.TryGetValue(h.Name, out var result)
                ? RolloutJournalHost.From(result)
                : new RolloutJournalHost(h.Name, h.Group, _waveOf.GetValueOrDefault(h.Name), h.SpecHash, RolloutJournal.Pending, 0, 0, false, 0, null, null, null))
            .ToList();
        new RolloutJournal(RolloutId, _options.Resume?.RolloutId, _fleet.Name, _fleet.SourceFile, Holder, _started, DateTimeOffset.UtcNow, outcome, _haltedAtWave, _haltReason, _gatesPassed, hosts, _journalSequence)
            .Write(path);
    }

    // Called under _gate: one line for one host, whatever the fleet's size.
    private void AppendJournal(HostRolloutResult result)
    {
        if (_options.JournalPath is not { } path)
        {
            return;
        }

        new RolloutJournalRecord(RolloutId, ++_journalSequence, RolloutJournalHost.From(result)).Append(RolloutJournal.RecordsPath(path));
    }

    private static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds < 120 ? $"{timeout.TotalSeconds:0.#}s" : $"{timeout.TotalMinutes:0.#}m";
}
