using System.Collections.Concurrent;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Session;
using HdIov.Pulumi.Configuration;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// The configured host: its root, its identity (which seeds VDEV UUIDs), and one gate per host so the resources of
/// one deployment, which the engine creates in parallel, plan and apply one after the other (each plan is checked
/// against the host's fingerprint at apply time, so an apply in between would make it stale). Every request opens an
/// engine <see cref="HostSession"/> on the host with what the resource brings (libvirt, a BMC account).
/// </summary>
internal sealed class HostContext(IHost host, string hostName)
{
    private const int StalePlanAttempts = 3;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public IHost Host { get; } = host;

    public string HostName { get; } = hostName;

    /// <summary>The provider's BMC configuration (<c>bmcEndpoint</c>, <c>bmcUsername</c>, <c>bmcPassword</c>), used when a resource gives none.</summary>
    public BmcConnection? Bmc { get; init; }

    /// <summary>The whole host as it is.</summary>
    public HostState Observe(CancellationToken cancellationToken)
    {
        using var session = Session(cancellationToken);
        return session.Observe();
    }

    /// <summary>The host's libvirt connections (a simulated host's mapped URIs); the caller disposes them.</summary>
    public LibvirtVirtualMachines VirtualMachines() => LibvirtVirtualMachines.For(Host);

    /// <summary>The host with the libvirt domains the spec and the ledger name, read through <paramref name="machines"/>.</summary>
    public HostState Observe(HostSpec spec, IVirtualMachines machines, CancellationToken cancellationToken)
    {
        using var session = Session(cancellationToken, machines);
        return session.Observe(spec);
    }

    /// <summary>The PFs (or parents) each device entry of <paramref name="spec"/> selects on <paramref name="state"/>.</summary>
    public static IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<string>> Selections(HostSpec spec, HostState state) =>
        HostSession.Selections(spec, state);

    /// <summary>Today's device state as a spec named after the host.</summary>
    public HostSpec Export(HostState state)
    {
        using var session = Session(CancellationToken.None);
        return session.Export(state, HostName);
    }

    /// <summary>
    /// Plans the partial spec on a fresh observation of what it selects; with <paramref name="apply"/> also applies it,
    /// planning again when another process made the plan stale. With <paramref name="machines"/> the observation includes
    /// the domains the spec and the ledger name, and the apply may change them; with a BMC account the observation
    /// includes the BIOS as the BMC (the spec's <c>bios.redfish</c>, else <paramref name="bmcEndpoint"/>) reports it, and
    /// the apply may write its pending settings.
    /// </summary>
    public async Task<ConvergeResult> ConvergeAsync(
        HostSpec spec,
        PlanScope scope,
        bool apply,
        CancellationToken cancellationToken,
        IVirtualMachines? machines = null,
        RedfishCredential? bmcAccount = null,
        RedfishSpec? bmcEndpoint = null)
    {
        var gate = Gates.GetOrAdd(Host.Root, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var session = Session(cancellationToken, machines, bmcAccount, bmcEndpoint);
            return session.Converge(spec, scope, apply);
        }
        finally
        {
            gate.Release();
        }
    }

    private HostSession Session(CancellationToken cancellationToken, IVirtualMachines? machines = null, RedfishCredential? bmcAccount = null, RedfishSpec? bmcEndpoint = null) =>
        new(Host, new SessionOptions
        {
            HostName = HostName,
            VirtualMachines = machines,
            BmcAccount = bmcAccount,
            BmcEndpoint = bmcEndpoint,
            StalePlanAttempts = StalePlanAttempts,
            Cancellation = cancellationToken,
        });
}
