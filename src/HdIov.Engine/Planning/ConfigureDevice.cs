using System.Text.Json.Serialization;
using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Planning;

/// <summary>
/// A family's own configuration of a PF (its configuration file, a device restart): the family's step carries itself
/// out and says whether it repairs a change made outside the engine. A configuration step resets the PF, so the
/// PF's mdevs are re-created after it.
/// </summary>
public abstract record ConfigureDevice : StepOperation
{
    /// <summary>The PF this step configures.</summary>
    [JsonIgnore]
    public abstract PciAddress ConfiguredPf { get; }

    /// <summary>
    /// The configuration file this step rewrites: the executor records its text in the ledger before the engine first
    /// changes it, so releasing the PF gives it back. Null for a step that records nothing (one that restores it).
    /// </summary>
    [JsonIgnore]
    public virtual string? ConfigurationFile => null;

    internal abstract void Apply(IHost host, CancellationToken cancellationToken);

    internal abstract (DriftKind Kind, string Reason) Attribute(HostState state);
}
