using System.Collections.Concurrent;
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

    /// <summary>
    /// Plans the partial spec on a fresh observation (with the BIOS as <paramref name="redfish"/>'s BMC reports it, when
    /// given); with <paramref name="apply"/> also applies it, retrying a plan another process made stale.
    /// </summary>
    public async Task<Converged> ConvergeAsync(HostSpec spec, PlanScope scope, bool apply, CancellationToken cancellationToken, RedfishConnection? redfish = null)
    {
        var gate = Gates.GetOrAdd(Host.Root, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var state = RedfishBiosObserver.Observe(Observe(cancellationToken), redfish, cancellationToken);
                var plan = Planner.Plan(spec, state, scope);
                if (!apply)
                {
                    return new Converged(plan, null, state);
                }

                try
                {
                    var result = new Executor(Host, new ApplyOptions { Redfish = redfish }).Apply(plan, null, cancellationToken);
                    return new Converged(plan, result, RedfishBiosObserver.Observe(result.FinalState, redfish, cancellationToken));
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
