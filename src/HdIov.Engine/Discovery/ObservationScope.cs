namespace HdIov.Engine.Discovery;

/// <summary>
/// Which mdev parents an observation reads in full. The whole host reads every parent, mdev and mdevctl definition; a
/// scoped observation (what a plan of one piece of the host needs) reads every PCI function, the platform and the
/// ledger as usual, but the types, live mdevs and mdevctl definitions only of the parents <see cref="SelectParents"/>
/// picks from a first, light reading of the host (its PCI functions, the ledger, and each parent's name, address and
/// driver, with no types). The <see cref="Key"/> names the scope in the state's fingerprint, so a plan made on a
/// scoped observation is checked at apply time against the same scope.
/// </summary>
public sealed class ObservationScope
{
    private readonly Func<HostState, IReadOnlySet<string>>? _selectParents;

    private ObservationScope(string key, Func<HostState, IReadOnlySet<string>>? selectParents)
    {
        Key = key;
        _selectParents = selectParents;
    }

    /// <summary>Every parent, mdev and mdevctl definition.</summary>
    public static ObservationScope WholeHost { get; } = new("whole-host", null);

    public bool IsWholeHost => _selectParents is null;

    /// <summary>A stable text that identifies the scope (the same for the same selection on any host).</summary>
    public string Key { get; }

    /// <summary>
    /// A scope whose parents <paramref name="selectParents"/> picks from the light reading of the host; <paramref name="key"/>
    /// must identify the selection (the same key for the same selection), since it is part of the state's fingerprint.
    /// </summary>
    public static ObservationScope Of(string key, Func<HostState, IReadOnlySet<string>> selectParents)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(selectParents);
        return new ObservationScope(key, selectParents);
    }

    /// <summary>The parent names to read in full on <paramref name="light"/>; null for the whole host.</summary>
    internal IReadOnlySet<string>? SelectParents(HostState light) => _selectParents?.Invoke(light);

    public override string ToString() => Key;
}
