using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>Small builders for output bags.</summary>
internal static class Outputs
{
    public static PropertyValue Text(string? value) => value is null ? PropertyValue.Null : PropertyValue.From(value);

    public static PropertyValue Number(int? value) => value is { } n ? PropertyValue.From(n) : PropertyValue.Null;

    public static PropertyValue Texts(IEnumerable<string> values) => PropertyValue.From(values.Select(PropertyValue.From));

    public static PropertyValue Object(params (string Key, PropertyValue Value)[] fields) =>
        PropertyValue.From(new PropertyMap(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))));

    /// <summary>The inputs with the computed outputs added (inputs keep their secret envelopes).</summary>
    public static PropertyMap Merge(PropertyMap inputs, IEnumerable<(string Key, PropertyValue Value)> computed)
    {
        var result = inputs;
        foreach (var (key, value) in computed)
        {
            result = result.With(key, value);
        }

        return result;
    }

    public static string? TextOf(PropertyMap bag, string key) => bag.Get(key)?.Reveal() is StringValue s ? s.Value : null;

    public static PropertyMap? MapOf(PropertyMap bag, string key) => bag.Get(key)?.Reveal() is ObjectValue o ? o.Map : null;
}
