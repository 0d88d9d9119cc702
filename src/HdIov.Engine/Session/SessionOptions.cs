using HdIov.Engine.Attachments;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Session;

/// <summary>What a front gives a <see cref="HostSession"/> when it opens one: how to reach VMs and the BMC, how long to wait, how to report.</summary>
public sealed record SessionOptions
{
    public static SessionOptions Default { get; } = new();

    /// <summary>
    /// The host's identity (the name VDEV UUIDs derive from, <see cref="Planning.Plan.HostName"/> of request plans).
    /// Default: <see cref="Discovery.HostNames.DefaultName"/>.
    /// </summary>
    public string? HostName { get; init; }

    /// <summary>
    /// Whether observations read the libvirt domains that the spec's and the ledger's VM attachments name, and applies
    /// may change them. The session opens the host's libvirt connections (a simulated host's mapped URIs) when first
    /// needed, unless <see cref="VirtualMachines"/> gives them.
    /// </summary>
    public bool Libvirt { get; init; }

    /// <summary>The VMs to use instead of the host's libvirt connections (the caller keeps ownership); implies <see cref="Libvirt"/>.</summary>
    public IVirtualMachines? VirtualMachines { get; init; }

    /// <summary>The BMC account for a spec whose BIOS settings have <c>source: redfish</c>; a spec that needs one without it is refused (HDIOV2022).</summary>
    public RedfishCredential? BmcAccount { get; init; }

    /// <summary>The Redfish service for a <c>source: redfish</c> spec that names none (the Pulumi provider's configuration).</summary>
    public RedfishSpec? BmcEndpoint { get; init; }

    /// <summary>How long an apply waits for another apply on the same host to finish.</summary>
    public TimeSpan LockTimeout { get; init; } = ApplyOptions.Default.LockTimeout;

    /// <summary>
    /// How many times a converge plans and applies when another process changed the host between its plan and its apply
    /// (a stale plan); 1 gives the stale plan's error to the caller at once.
    /// </summary>
    public int StalePlanAttempts { get; init; } = 1;

    /// <summary>Receives each applied step (progress).</summary>
    public IApplyObserver? Observer { get; init; }

    /// <summary>Stops observation, planning and an apply between steps.</summary>
    public CancellationToken Cancellation { get; init; }
}
