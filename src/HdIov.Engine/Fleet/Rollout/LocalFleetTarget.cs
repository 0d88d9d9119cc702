using System.Diagnostics;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Simulation;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>
/// A host root on the machine that runs the rollout (<c>/</c>, or a simulated host's folder), reached through a
/// <see cref="HostSession"/> like every other front. The spec text is loaded here and named after the host, so its VDEV
/// UUIDs are the host's own whatever the template's <c>metadata.name</c> says.
/// </summary>
public sealed class LocalFleetTarget : IFleetTarget
{
    private readonly string _root;
    private readonly SessionOptions _options;
    private IHost? _host;

    /// <param name="hostName">The host's name in the fleet.</param>
    /// <param name="root">The host root.</param>
    /// <param name="options">What sessions on the host start from (libvirt, BMC account); its name and cancellation are the target's.</param>
    public LocalFleetTarget(string hostName, string root, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostName);
        ArgumentException.ThrowIfNullOrEmpty(root);
        HostName = hostName;
        _root = root;
        _options = (options ?? SessionOptions.Default) with { HostName = hostName, StalePlanAttempts = Math.Max(3, (options ?? SessionOptions.Default).StalePlanAttempts) };
    }

    public string HostName { get; }

    private IHost Host => _host ?? throw new InvalidOperationException($"connect to host '{HostName}' first");

    public void Connect(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_host is not null)
        {
            return;
        }

        if (!Directory.Exists(_root))
        {
            throw new FleetTargetUnreachableException(HostName, $"its host root '{HostPath.Printable(_root)}' does not exist");
        }

        try
        {
            _host = HostFactory.Open(_root);
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new FleetTargetUnreachableException(HostName, exception.Message, exception);
        }
    }

    public IDisposable LockForRollout(string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        IDisposable held;
        try
        {
            held = Reach(() => Host.Lock(KernelPaths.RolloutLock, TimeSpan.Zero, cancellationToken));
        }
        catch (HostLockTimeoutException)
        {
            var named = Host.Exists(KernelPaths.RolloutHolder) ? Host.ReadText(KernelPaths.RolloutHolder).Trim() : string.Empty;
            throw new FleetTargetLockedException(HostName, named.Length > 0 ? named : "another process");
        }

        try
        {
            Host.WriteFile(KernelPaths.RolloutHolder, holder + "\n");
        }
        catch
        {
            held.Dispose();
            throw;
        }

        return new RolloutLock(Host, held);
    }

    public HostPlanReport Plan(string specYaml, CancellationToken cancellationToken)
    {
        var (spec, errors) = Load(specYaml);
        if (spec is null)
        {
            return HostPlanReports.Refused(HostName, errors, Shape(null));
        }

        using var session = Open(cancellationToken);
        var state = Reach(() => session.Observe(spec));
        try
        {
            return HostPlanReports.Of(HostName, HostSession.Plan(spec, state), state);
        }
        catch (HdIovException refused)
        {
            return HostPlanReports.Refused(HostName, Errors(refused), HostPlanReports.ShapeOf(state));
        }
    }

    public HostApplyReport Converge(string specYaml, CancellationToken cancellationToken)
    {
        var (spec, errors) = Load(specYaml);
        if (spec is null)
        {
            return new HostApplyReport(0, PendingReboot: false, Converged: false, errors);
        }

        using var session = Open(cancellationToken);
        try
        {
            var result = Reach(() => session.Converge(spec));
            var pending = !result.PendingReboot.IsEmpty;
            return new HostApplyReport(result.Applied?.Completed.Length ?? 0, pending, result.Remaining.IsEmpty && !pending, []);
        }
        catch (ApplyFailedException failed)
        {
            return new HostApplyReport(failed.Completed.Length, PendingReboot: false, Converged: false, Errors(failed));
        }
        catch (HdIovException refused)
        {
            return new HostApplyReport(0, PendingReboot: false, Converged: false, Errors(refused));
        }
    }

    public HostHealthReport CheckHealth(string specYaml, CancellationToken cancellationToken)
    {
        var (spec, errors) = Load(specYaml);
        if (spec is null)
        {
            return new HostHealthReport(false, string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}")));
        }

        using var session = Open(cancellationToken);
        var state = Reach(() => session.Observe(spec));
        Plan plan;
        try
        {
            plan = HostSession.Plan(spec, state);
        }
        catch (HdIovException refused)
        {
            return new HostHealthReport(false, "the spec cannot be planned: " + string.Join("; ", Errors(refused).Select(e => $"{e.Code}: {e.Message}")));
        }

        if (Blocker(spec, state) is { } blocker)
        {
            return new HostHealthReport(false, $"readiness blocker {blocker.Code} on {blocker.Subject}: {blocker.Message}");
        }

        if (!plan.IsEmpty || !plan.PendingReboot.IsEmpty)
        {
            var first = PendingReboots.Of(plan).FirstOrDefault() ?? plan.Steps.FirstOrDefault()?.Description ?? "a change";
            return new HostHealthReport(false, $"the host does not match its spec: {plan.Steps.Length} steps left ({first})");
        }

        var drift = HostSession.Drift(spec, state, plan).FirstOrDefault(d => d.IsDrift);
        return drift is null ? new HostHealthReport(true, null) : new HostHealthReport(false, $"drift: {drift}");
    }

    /// <summary>
    /// Runs the check with <c>/bin/sh -c</c> on this machine (the machine of a local host), with
    /// <c>HDIOV_HOST_ROOT</c> naming the host root so the module's cmdlets check that host; killed at its timeout.
    /// </summary>
    public HostHealthReport RunHealthCommand(HealthCheck check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.Exists(_root) ? _root : "/",
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(check.Command);
        start.Environment["HDIOV_HOST_ROOT"] = _root;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /bin/sh");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(check.Timeout);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            process.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return new HostHealthReport(false, $"the health command did not finish within {check.Timeout.TotalSeconds:0.#}s");
        }

        if (process.ExitCode == 0)
        {
            return new HostHealthReport(true, null);
        }

        var said = (error.GetAwaiter().GetResult().Trim() is { Length: > 0 } stderr ? stderr : output.GetAwaiter().GetResult().Trim()).Split('\n').LastOrDefault() ?? string.Empty;
        return new HostHealthReport(false, $"the health command exited with {process.ExitCode}{(said.Length > 0 ? ": " + said : string.Empty)}");
    }

    public string BootId(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Reach(() => Host.ReadText(KernelPaths.BootId).Trim());
    }

    /// <summary>A simulated host boots at once; this machine is asked to reboot with <c>systemctl reboot</c>.</summary>
    public void Reboot(CancellationToken cancellationToken)
    {
        if (Host is SimulatedHost simulated)
        {
            simulated.Reboot();
            return;
        }

        var result = Host.Run("systemctl", ["reboot"], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new HdIovException(new Diagnostic(
                FleetDiagnosticCodes.HostNotConverged,
                DiagnosticSeverity.Error,
                $"host '{HostName}' refused to reboot: systemctl reboot exited with {result.ExitCode}: {result.StandardError.Trim()}",
                "reboot the host by hand, then resume the rollout"));
        }
    }

    public void Dispose()
    {
        (_host as IDisposable)?.Dispose();
        _host = null;
    }

    /// <summary>
    /// The first readiness blocker of the host at <paramref name="root"/> that concerns <paramref name="specYaml"/>, as
    /// "CODE on SUBJECT: message", or null (none, or a spec that does not load): the rule of <see cref="CheckHealth"/>,
    /// for a health check made on the host by other means (the ssh transport's remote session).
    /// </summary>
    public static string? ReadinessBlocker(string hostName, string root, string specYaml)
    {
        using var target = new LocalFleetTarget(hostName, root);
        var (spec, _) = target.Load(specYaml);
        if (spec is null)
        {
            return null;
        }

        target.Connect(CancellationToken.None);
        using var session = target.Open(CancellationToken.None);
        return Blocker(spec, session.Observe(spec)) is { } blocker ? $"{blocker.Code} on {blocker.Subject}: {blocker.Message}" : null;
    }

    /// <summary>
    /// The first readiness blocker that concerns the spec: any, except that a missing scalable mode or PASID blocks
    /// only a spec that asks for scalable mode or selects a parent whose VDEVs need PASIDs (an mtty or SR-IOV host
    /// does not care).
    /// </summary>
    private static Discovery.ReadinessFinding? Blocker(HostSpec spec, Discovery.HostState state)
    {
        var selected = HostSession.Selections(spec, state).Values.SelectMany(parents => parents).ToHashSet(StringComparer.Ordinal);
        var needsPasid = spec.Platform.Iommu?.Mode == IommuMode.Scalable
            || state.MdevParents.Any(p => (selected.Contains(p.Name) || p.PciAddress is { } address && selected.Contains(address.ToString())) && Discovery.MdevTypeKinds.NeedsPasid(p));
        return state.Findings.FirstOrDefault(f =>
            f.Level == Discovery.ReadinessLevel.Blocker
            && (needsPasid || f.Code is not (DiagnosticCodes.ReadinessScalableModeOff or DiagnosticCodes.ReadinessPasidMissing)));
    }

    private HostSession Open(CancellationToken cancellationToken) => new(Host, _options with { Cancellation = cancellationToken });

    private (HostSpec? Spec, IReadOnlyList<HostError> Errors) Load(string specYaml)
    {
        ArgumentNullException.ThrowIfNull(specYaml);
        var loaded = SpecLoader.LoadText(specYaml, $"{HostName}.yaml");
        return loaded.Succeeded
            ? (loaded.Spec! with { Name = HostName }, [])
            : (null, [.. loaded.Diagnostics.Where(d => d.IsError).Select(d => new HostError(d.Code, d.Location is { } at ? $"{at}: {d.Message}" : d.Message, d.Hint))]);
    }

    private static List<HostError> Errors(HdIovException exception) =>
        exception.Diagnostics.Count == 0
            ? [new HostError(FleetDiagnosticCodes.HostNotConverged, exception.Message, null)]
            : [.. exception.Diagnostics.Where(d => d.IsError).DefaultIfEmpty(exception.Diagnostics[0]).Select(d => new HostError(d!.Code, d.Message, d.Hint))];

    private HardwareShape Shape(Discovery.HostState? state) =>
        state is null ? new HardwareShape($"unknown ({HostName})", [], string.Empty) : HostPlanReports.ShapeOf(state);

    /// <summary>A host root that vanished or cannot be read under the rollout is an unreachable host, not a crash.</summary>
    private T Reach<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or UnauthorizedAccessException || exception is IOException && !Directory.Exists(_root))
        {
            throw new FleetTargetUnreachableException(HostName, exception.Message, exception);
        }
    }

    private sealed class RolloutLock(IHost host, IDisposable held) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (host.Exists(KernelPaths.RolloutHolder))
                {
                    host.DeleteFile(KernelPaths.RolloutHolder);
                }
            }
            finally
            {
                held.Dispose();
            }
        }
    }
}
