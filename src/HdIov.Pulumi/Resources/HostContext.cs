using System.Collections.Concurrent;
using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Session;
using HdIov.Pulumi.Configuration;
using HdIov.Pulumi.Transport;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// The configured host, the one door the resources reach the engine through: its identity (which seeds VDEV UUIDs),
/// the engine that works on it (<see cref="IHostEngine"/>: in this process, or on the host over SSH), and one gate per
/// host so the resources of one deployment, which the Pulumi engine creates in parallel, plan and apply one after the
/// other (each plan is checked against the host's fingerprint at apply time, so an apply in between would make it
/// stale). Every request is one engine session on the host with what the resource brings (libvirt, a BMC account).
/// </summary>
internal sealed class HostContext(IHostEngine engine, string hostName)
{
    private const int StalePlanAttempts = 3;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public IHostEngine Engine { get; } = engine;

    public string HostName { get; } = hostName;

    /// <summary>The provider's BMC configuration (<c>bmcEndpoint</c>, <c>bmcUsername</c>, <c>bmcPassword</c>), used when a resource gives none.</summary>
    public BmcConnection? Bmc { get; init; }

    /// <summary>The whole host as it is.</summary>
    public HostState Observe(CancellationToken cancellationToken) =>
        Engine.Run(new SessionRequest(SessionOperation.Observe) { HostName = HostName }, cancellationToken).State!;

    /// <summary>The host as <paramref name="spec"/> is planned against; with <paramref name="libvirt"/> also the libvirt domains the spec and the ledger name.</summary>
    public HostState Observe(HostSpec spec, bool libvirt, CancellationToken cancellationToken) =>
        Engine.Run(new SessionRequest(SessionOperation.ObserveForSpec) { HostName = HostName, Spec = spec, Libvirt = libvirt }, cancellationToken).State!;

    /// <summary>The PFs (or parents) each device entry of <paramref name="spec"/> selects on <paramref name="state"/>.</summary>
    public static IReadOnlyDictionary<string, ImmutableArray<string>> Selections(HostSpec spec, HostState state) =>
        HostSession.Selections(spec, state);

    /// <summary>Today's device state as a spec named after the host.</summary>
    public HostSpec Export(HostState state) => HostStateExporter.Export(state, HostName);

    /// <summary>
    /// Plans the partial spec on a fresh observation of what it selects; with <paramref name="apply"/> also applies it,
    /// planning again when another process made the plan stale. With <paramref name="libvirt"/> the observation includes
    /// the domains the spec and the ledger name, and the apply may change them; with a BMC account the observation
    /// includes the BIOS as the BMC (the spec's <c>bios.redfish</c>, else <paramref name="bmcEndpoint"/>) reports it, and
    /// the apply may write its pending settings.
    /// </summary>
    public async Task<ConvergeResult> ConvergeAsync(
        HostSpec spec,
        PlanScope scope,
        bool apply,
        CancellationToken cancellationToken,
        bool libvirt = false,
        RedfishCredential? bmcAccount = null,
        RedfishSpec? bmcEndpoint = null)
    {
        var gate = Gates.GetOrAdd(Engine.GateKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var request = new SessionRequest(SessionOperation.Converge)
            {
                HostName = HostName,
                Spec = spec,
                Scope = scope,
                Apply = apply,
                Libvirt = libvirt,
                BmcAccount = bmcAccount,
                BmcEndpoint = bmcEndpoint,
                StalePlanAttempts = StalePlanAttempts,
            };
            return Engine.Run(request, cancellationToken).Converged!;
        }
        finally
        {
            gate.Release();
        }
    }
}
