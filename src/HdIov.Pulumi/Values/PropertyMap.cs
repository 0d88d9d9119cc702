using System.Collections;
using System.Collections.Immutable;

namespace HdIov.Pulumi.Values;

/// <summary>A property bag: keys in ordinal order, values as the engine means them. Equality is structural.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "The engine calls a property bag a property map.")]
public sealed class PropertyMap : IReadOnlyDictionary<string, PropertyValue>, IEquatable<PropertyMap>
{
    private readonly ImmutableSortedDictionary<string, PropertyValue> _values;

    public PropertyMap(IEnumerable<KeyValuePair<string, PropertyValue>> values) =>
        _values = values.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private PropertyMap(ImmutableSortedDictionary<string, PropertyValue> values) => _values = values;

    public static PropertyMap Empty { get; } = new(ImmutableSortedDictionary<string, PropertyValue>.Empty.WithComparers(StringComparer.Ordinal));

    public int Count => _values.Count;

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<PropertyValue> Values => _values.Values;

    public PropertyValue this[string key] => _values[key];

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PropertyValue value) => _values.TryGetValue(key, out value);

    public PropertyValue? Get(string key) => _values.GetValueOrDefault(key);

    public PropertyMap With(string key, PropertyValue value) => new(_values.SetItem(key, value));

    public PropertyMap Without(string key) => new(_values.Remove(key));

    /// <summary>Only the given keys (those present).</summary>
    public PropertyMap Only(IEnumerable<string> keys) => new(keys.Where(_values.ContainsKey).Select(k => KeyValuePair.Create(k, _values[k])));

    public PropertyMap Reveal() => new(_values.Select(p => KeyValuePair.Create(p.Key, p.Value.Reveal())));

    public bool Equals(PropertyMap? other) =>
        other is not null && other.Count == Count && _values.All(p => other._values.TryGetValue(p.Key, out var v) && v.Equals(p.Value));

    public override bool Equals(object? obj) => obj is PropertyMap other && Equals(other);

    public override int GetHashCode() => _values.Aggregate(19, (h, p) => HashCode.Combine(h, p.Key, p.Value));

    public override string ToString() => "{" + string.Join(", ", _values.Select(p => $"{p.Key}: {p.Value}")) + "}";

    public IEnumerator<KeyValuePair<string, PropertyValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
