using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// One resource type: its input keys, which of them force a replacement, and what create, read, update and delete
/// mean on a host. Handlers translate to the engine's model and let the engine plan and apply; they hold no
/// convergence logic of their own.
/// </summary>
internal abstract class ResourceHandler
{
    public abstract string Token { get; }

    /// <summary>The top-level input properties, compared by Diff.</summary>
    public abstract IReadOnlyList<string> InputKeys { get; }

    /// <summary>Inputs whose change re-creates what the resource made (new VDEV names and UUIDs, another PF).</summary>
    public abstract IReadOnlySet<string> ReplaceKeys { get; }

    /// <summary>Whether a change of this top-level input, from <paramref name="before"/> to <paramref name="after"/>, forces a replacement.</summary>
    public virtual bool Replaces(string key, PropertyValue? before, PropertyValue? after) => ReplaceKeys.Contains(key);

    /// <summary>Tells the user, through the engine's log, what a diff with changes will do that the diff cannot say (nothing by default).</summary>
    public virtual Task ReviewDiffAsync(HostContext host, PropertyMap oldInputs, PropertyMap news, string urn, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Checks and normalises inputs; secret envelopes stay as they came.</summary>
    public abstract CheckOutcome Check(PropertyMap news, string resourceName);

    public abstract Task<ResourceState> CreateAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken);

    public abstract Task<ResourceState> UpdateAsync(HostContext host, string id, PropertyMap oldInputs, PropertyMap news, bool preview, string urn, CancellationToken cancellationToken);

    /// <summary>The resource as the host has it now; null when it is gone. With no <paramref name="inputs"/> (import) the inputs come from the host.</summary>
    public abstract Task<ResourceState?> ReadAsync(HostContext host, string id, PropertyMap? inputs, string urn, CancellationToken cancellationToken);

    public abstract Task DeleteAsync(HostContext host, string id, PropertyMap oldInputs, string urn, CancellationToken cancellationToken);

    /// <summary>True when the host no longer matches these (unchanged) inputs, so an update would change it.</summary>
    public abstract Task<bool> HasDriftAsync(HostContext host, PropertyMap inputs, string urn, CancellationToken cancellationToken);

    /// <summary>
    /// The usual Check: inputs with unknowns pass as they are (preview fills them later); otherwise
    /// <paramref name="load"/> builds the spec document from them, and its diagnostics become failures at their property paths.
    /// </summary>
    protected static CheckOutcome CheckBySpecDocument(PropertyMap inputs, Action<PropertyMap> load)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(load);
        if (inputs.Values.Any(v => v.ContainsUnknown))
        {
            return new CheckOutcome(inputs, []);
        }

        try
        {
            load(inputs);
            return new CheckOutcome(inputs, []);
        }
        catch (InputRejectedException rejected)
        {
            return new CheckOutcome(inputs, [.. rejected.Diagnostics.Select(d => (d.KeyPath ?? string.Empty, $"{d.Code}: {d.Message}. Fix: {d.Hint}"))]);
        }
    }
}
