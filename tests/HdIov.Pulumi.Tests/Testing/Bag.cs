using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Testing;

/// <summary>Short builders for property bags in tests.</summary>
internal static class Bag
{
    public static PropertyMap Of(params (string Key, object Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, Value(f.Value))));

    public static PropertyValue Value(object value) => value switch
    {
        PropertyValue v => v,
        PropertyMap m => PropertyValue.From(m),
        string s => PropertyValue.From(s),
        bool b => PropertyValue.From(b),
        int i => PropertyValue.From(i),
        double d => PropertyValue.From(d),
        string[] list => PropertyValue.From(list.Select(PropertyValue.From)),
        _ => throw new ArgumentException($"no property value for {value.GetType()}"),
    };

    public static PropertyValue At(PropertyMap map, params object[] path)
    {
        PropertyValue current = PropertyValue.From(map);
        foreach (var step in path)
        {
            current = (current, step) switch
            {
                (ObjectValue o, string key) => o.Map[key],
                (ArrayValue a, int index) => a.Items[index],
                (SecretValue s, _) => At(((ObjectValue)s.Value).Map, step),
                _ => throw new KeyNotFoundException($"no {step} in {current}"),
            };
        }

        return current;
    }

    public static IReadOnlyList<PropertyValue> Items(PropertyMap map, string key) => ((ArrayValue)map[key]).Items;
}
