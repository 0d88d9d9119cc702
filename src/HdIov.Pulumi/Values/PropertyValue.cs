using System.Collections.Immutable;
using System.Globalization;

namespace HdIov.Pulumi.Values;

/// <summary>
/// One value of a resource's property bag as the engine means it: plain JSON-like data, plus the three things plain
/// data cannot say: a value not known yet (preview), a secret, and a reference to another resource.
/// Equality is structural.
/// </summary>
public abstract class PropertyValue : IEquatable<PropertyValue>
{
    private protected PropertyValue()
    {
    }

    public static PropertyValue Null { get; } = new NullValue();

    public static PropertyValue Unknown { get; } = new UnknownValue();

    public virtual bool IsUnknown => false;

    /// <summary>True when this value or anything inside it is unknown.</summary>
    public abstract bool ContainsUnknown { get; }

    /// <summary>True when this value or anything inside it is secret.</summary>
    public abstract bool ContainsSecret { get; }

    public static PropertyValue From(string value) => new StringValue(value);

    public static PropertyValue From(bool value) => new BoolValue(value);

    public static PropertyValue From(double value) => new NumberValue(value);

    public static PropertyValue From(IEnumerable<PropertyValue> items) => new ArrayValue([.. items]);

    public static PropertyValue From(PropertyMap map) => new ObjectValue(map);

    public static PropertyValue Secret(PropertyValue value) => value is SecretValue ? value : new SecretValue(value);

    /// <summary>This value wrapped as secret when <paramref name="secret"/> is true.</summary>
    public PropertyValue SecretIf(bool secret) => secret ? Secret(this) : this;

    /// <summary>The same value with every secret envelope removed (for comparing and for the engine, never for output).</summary>
    public abstract PropertyValue Reveal();

    public abstract bool Equals(PropertyValue? other);

    public override bool Equals(object? obj) => obj is PropertyValue other && Equals(other);

    public abstract override int GetHashCode();

    public abstract override string ToString();

    private sealed class NullValue : PropertyValue
    {
        public override bool ContainsUnknown => false;

        public override bool ContainsSecret => false;

        public override PropertyValue Reveal() => this;

        public override bool Equals(PropertyValue? other) => other is NullValue;

        public override int GetHashCode() => 0;

        public override string ToString() => "null";
    }

    private sealed class UnknownValue : PropertyValue
    {
        public override bool IsUnknown => true;

        public override bool ContainsUnknown => true;

        public override bool ContainsSecret => false;

        public override PropertyValue Reveal() => this;

        public override bool Equals(PropertyValue? other) => other is UnknownValue;

        public override int GetHashCode() => 1;

        public override string ToString() => "<unknown>";
    }
}

public sealed class StringValue(string value) : PropertyValue
{
    public string Value { get; } = value;

    public override bool ContainsUnknown => false;

    public override bool ContainsSecret => false;

    public override PropertyValue Reveal() => this;

    public override bool Equals(PropertyValue? other) => other is StringValue s && s.Value == Value;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => '"' + Value + '"';
}

public sealed class BoolValue(bool value) : PropertyValue
{
    public bool Value { get; } = value;

    public override bool ContainsUnknown => false;

    public override bool ContainsSecret => false;

    public override PropertyValue Reveal() => this;

    public override bool Equals(PropertyValue? other) => other is BoolValue b && b.Value == Value;

    public override int GetHashCode() => Value ? 3 : 2;

    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A number; the wire carries every number as a double.</summary>
public sealed class NumberValue(double value) : PropertyValue
{
    public double Value { get; } = value;

    public override bool ContainsUnknown => false;

    public override bool ContainsSecret => false;

    public override PropertyValue Reveal() => this;

    public override bool Equals(PropertyValue? other) => other is NumberValue n && n.Value.Equals(Value);

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture);
}

public sealed class ArrayValue(ImmutableArray<PropertyValue> items) : PropertyValue
{
    public ImmutableArray<PropertyValue> Items { get; } = items.IsDefault ? [] : items;

    public override bool ContainsUnknown => Items.Any(i => i.ContainsUnknown);

    public override bool ContainsSecret => Items.Any(i => i.ContainsSecret);

    public override PropertyValue Reveal() => new ArrayValue([.. Items.Select(i => i.Reveal())]);

    public override bool Equals(PropertyValue? other) => other is ArrayValue a && a.Items.SequenceEqual(Items);

    public override int GetHashCode() => Items.Aggregate(17, (h, i) => HashCode.Combine(h, i));

    public override string ToString() => "[" + string.Join(", ", Items) + "]";
}

public sealed class ObjectValue(PropertyMap map) : PropertyValue
{
    public PropertyMap Map { get; } = map;

    public override bool ContainsUnknown => Map.Values.Any(v => v.ContainsUnknown);

    public override bool ContainsSecret => Map.Values.Any(v => v.ContainsSecret);

    public override PropertyValue Reveal() => new ObjectValue(Map.Reveal());

    public override bool Equals(PropertyValue? other) => other is ObjectValue o && o.Map.Equals(Map);

    public override int GetHashCode() => Map.GetHashCode();

    public override string ToString() => Map.ToString();
}

/// <summary>A value the engine must keep secret in state and display.</summary>
public sealed class SecretValue : PropertyValue
{
    internal SecretValue(PropertyValue value) => Value = value;

    public PropertyValue Value { get; }

    public override bool ContainsUnknown => Value.ContainsUnknown;

    public override bool ContainsSecret => true;

    public override PropertyValue Reveal() => Value.Reveal();

    public override bool Equals(PropertyValue? other) => other is SecretValue s && s.Value.Equals(Value);

    public override int GetHashCode() => HashCode.Combine(5, Value);

    /// <summary>Never the wrapped value, so a secret cannot reach a log through string formatting.</summary>
    public override string ToString() => "[secret]";
}

/// <summary>A reference to another resource: its URN, its id for custom resources (empty when unknown), and its package version.</summary>
public sealed class ResourceReferenceValue(string urn, string? id, string packageVersion) : PropertyValue
{
    public string Urn { get; } = urn;

    public string? Id { get; } = id;

    public string PackageVersion { get; } = packageVersion;

    public override bool ContainsUnknown => Id is { Length: 0 };

    public override bool ContainsSecret => false;

    public override PropertyValue Reveal() => this;

    public override bool Equals(PropertyValue? other) =>
        other is ResourceReferenceValue r && r.Urn == Urn && r.Id == Id && r.PackageVersion == PackageVersion;

    public override int GetHashCode() => HashCode.Combine(Urn, Id, PackageVersion);

    public override string ToString() => $"ref({Urn})";
}
