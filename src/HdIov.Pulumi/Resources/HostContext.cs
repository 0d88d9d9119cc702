using System.Collections.Concurrent;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Pulumi.Configuration;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// The configured host: its root, its identity (which seeds VDEV UUIDs), and one gate per host so the resources of
/// one deployment, which the engine creates in parallel, plan and apply one after the other (each plan is checked
/// against the host's fingerprint at apply time, so an apply in between would make it stale).
/// </summary>
internal sealed class HostContext(IHost host, string hostName)
{
    private const int StaleRetries = 3;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public IHost Host { get; } = host;

    public string HostName { get; } = hostName;

    /// <summary>The provider's BMC configuration (<c>bmcEndpoint</c>, <c>bmcUsername</c>, <c>bmcPassword</c>), used when a resource gives none.</summary>
    public BmcConnection? Bmc { get; init; }

    public HostState Observe(CancellationToken cancellationToken) => new HostObserver(Host).Observe(cancellationToken);

    /// <summary>The host's libvirt connections (a simulated host's mapped URIs); the caller disposes them.</summary>
    public LibvirtVirtualMachines VirtualMachines() => LibvirtVirtualMachines.For(Host);

    /// <summary>The host with the libvirt domains the spec and the ledger name, read through <paramref name="machines"/>.</summary>
    public HostState Observe(HostSpec spec, IVirtualMachines machines, CancellationToken cancellationToken) =>
        DomainObserver.Observe(Observe(cancellationToken), spec, machines);

    /// <summary>
    /// Plans the partial spec on a fresh observation; with <paramref name="apply"/> also applies it, retrying a plan
    /// another process made stale. With <paramref name="machines"/> the observation includes the domains the spec and
    /// the ledger name, and the apply may change them; with <paramref name="redfish"/> it includes the BIOS as that BMC
    /// reports it, and the apply may write its pending settings.
    /// </summary>
    public async Task<Converged> ConvergeAsync(
        HostSpec spec,
        PlanScope scope,
        bool apply,
        CancellationToken cancellationToken,
        IVirtualMachines? machines = null,
        RedfishConnection? redfish = null)
    {
        var gate = Gates.GetOrAdd(Host.Root, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var observed = machines is null ? Observe(cancellationToken) : Observe(spec, machines, cancellationToken);
                var state = RedfishBiosObserver.Observe(observed, redfish, cancellationToken);
                var plan = Planner.Plan(spec, state, scope);
                if (!apply)
                {
                    return new Converged(plan, null, state);
                }

                try
                {
                    var result = new Executor(Host, new ApplyOptions { VirtualMachines = machines, Redfish = redfish }).Apply(plan, null, cancellationToken);
                    var final = machines is null ? result.FinalState : DomainObserver.Observe(result.FinalState, spec, machines);
                    return new Converged(plan, result, RedfishBiosObserver.Observe(final, redfish, cancellationToken));
                }
                catch (StalePlanException) when (attempt < StaleRetries)
                {
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
