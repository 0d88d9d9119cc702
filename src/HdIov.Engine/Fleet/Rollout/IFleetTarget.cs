namespace HdIov.Engine.Fleet.Rollout;

/// <summary>
/// One host as a rollout reaches it, whatever the transport: this machine's own host roots, or the module's cmdlets
/// run on the target over PowerShell remoting. A target changes the host only in <see cref="Converge"/> and
/// <see cref="Reboot"/>; every other call observes. A failure to reach the host is a
/// <see cref="FleetTargetUnreachableException"/>, never another exception type, so the rollout can count it as
/// unreachable and go on.
/// </summary>
public interface IFleetTarget : IDisposable
{
    /// <summary>The host's name in the fleet.</summary>
    string HostName { get; }

    /// <summary>Opens the connection within the strategy's connect timeout.</summary>
    void Connect(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the host's rollout lock for the life of the returned handle, so two rollouts never converge one host at
    /// once; a held lock is a <see cref="FleetTargetLockedException"/> naming its holder.
    /// </summary>
    IDisposable LockForRollout(string holder, CancellationToken cancellationToken);

    /// <summary>Observes the host and plans the spec; changes nothing.</summary>
    HostPlanReport Plan(string specYaml, CancellationToken cancellationToken);

    /// <summary>Converges the host to the spec up to the first reboot barrier.</summary>
    HostApplyReport Converge(string specYaml, CancellationToken cancellationToken);

    /// <summary>The built-in health check: the host matches its spec and readiness has no blocker.</summary>
    HostHealthReport CheckHealth(string specYaml, CancellationToken cancellationToken);

    /// <summary>Runs a group's own health check on the target: healthy when it exits with 0 within its timeout.</summary>
    HostHealthReport RunHealthCommand(HealthCheck check, CancellationToken cancellationToken);

    /// <summary>The host's boot id (<c>/proc/sys/kernel/random/boot_id</c>): a changed id proves a reboot.</summary>
    string BootId(CancellationToken cancellationToken);

    /// <summary>Asks the host to reboot and returns; the rollout then waits for a changed <see cref="BootId"/>.</summary>
    void Reboot(CancellationToken cancellationToken);
}

/// <summary>
/// A host's plan as the rollout reads it: its step count and highest disruption, what it makes and removes, whether
/// it waits for a reboot, the VMs whose devices it touches, the host's hardware shape (for hardware-stratified
/// canaries), and why the spec cannot be planned there (codes HDIOVnnnn; empty when it can).
/// </summary>
public sealed record HostPlanReport(
    string HostName,
    int Steps,
    Planning.Disruption HighestDisruption,
    int VdevsCreated,
    int VdevsRemoved,
    bool NeedsReboot,
    int VmsTouched,
    HardwareShape Shape,
    IReadOnlyList<HostError> Errors);

/// <summary>
/// What one converge did on a host. <c>PendingReboot</c>: the apply stopped at a reboot barrier, and steps remain that
/// take effect only after a reboot.
/// </summary>
public sealed record HostApplyReport(int StepsDone, bool PendingReboot, bool Converged, IReadOnlyList<HostError> Errors);

/// <summary>A health verdict and, when unhealthy, why.</summary>
public sealed record HostHealthReport(bool Healthy, string? Reason);

/// <summary>An engine diagnostic as it crosses a transport: its code, message and fix.</summary>
public sealed record HostError(string Code, string Message, string? Fix);

/// <summary>The host could not be reached: connect timeout, refused key, unknown host key, or the connection died.</summary>
public sealed class FleetTargetUnreachableException(string hostName, string reason, Exception? inner = null)
    : Exception($"host '{hostName}' is unreachable: {reason}", inner)
{
    public string HostName { get; } = hostName;

    public string Reason { get; } = reason;
}

/// <summary>Another rollout holds the host's rollout lock.</summary>
public sealed class FleetTargetLockedException(string hostName, string holder)
    : Exception($"host '{hostName}' is being rolled out by {holder}")
{
    public string HostName { get; } = hostName;

    public string Holder { get; } = holder;
}
