using System.Globalization;
using System.Text.RegularExpressions;
using HdIov.Pulumi.Values;
using YamlDotNet.RepresentationModel;

namespace HdIov.Pulumi.Tests.Testing;

/// <summary>
/// A Pulumi YAML program as the tests need it: project settings, config defaults, resources (type, literal
/// properties, provider and dependsOn options) and outputs. Scalars are typed as YAML 1.2's core schema types them
/// (plain true/false are booleans, plain integers are integers, quoted text stays text).
/// </summary>
internal sealed partial class YamlProgram
{
    private YamlProgram(YamlMappingNode root) => Root = ToValue(root) as IReadOnlyDictionary<string, object?> ?? throw new FormatException("a program is a mapping");

    public IReadOnlyDictionary<string, object?> Root { get; }

    public string Runtime => (string)Root["runtime"]!;

    public IReadOnlyDictionary<string, object?> Resources => (IReadOnlyDictionary<string, object?>)Root["resources"]!;

    public IReadOnlyDictionary<string, object?> Outputs => (IReadOnlyDictionary<string, object?>)Root["outputs"]!;

    public static YamlProgram Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return new YamlProgram((YamlMappingNode)stream.Documents.Single().RootNode);
    }

    public IReadOnlyDictionary<string, object?> Section(string key) =>
        Root.TryGetValue(key, out var value) && value is IReadOnlyDictionary<string, object?> map ? map : new Dictionary<string, object?>();

    public static string TypeOf(object? resource) => (string)((IReadOnlyDictionary<string, object?>)resource!)["type"]!;

    public static IReadOnlyDictionary<string, object?> PropertiesOf(object? resource) =>
        ((IReadOnlyDictionary<string, object?>)resource!).TryGetValue("properties", out var p) && p is IReadOnlyDictionary<string, object?> map ? map : new Dictionary<string, object?>();

    /// <summary>The names of the resources a resource refers to (<c>${name}</c> or <c>${name.output}</c>) in its properties and options.</summary>
    public IEnumerable<string> ReferencesOf(object? resource) =>
        Interpolations(resource).Select(r => r.Split('.')[0]).Where(Resources.ContainsKey).Distinct(StringComparer.Ordinal);

    /// <summary>The resources in an order where each comes after the resources it refers to.</summary>
    public List<string> DependencyOrder()
    {
        var order = new List<string>();
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name)
        {
            if (order.Contains(name))
            {
                return;
            }

            if (!visiting.Add(name))
            {
                throw new InvalidOperationException($"the program's resources refer to each other in a cycle through {name}");
            }

            foreach (var dependency in ReferencesOf(Resources[name]))
            {
                Visit(dependency);
            }

            order.Add(name);
        }

        foreach (var name in Resources.Keys)
        {
            Visit(name);
        }

        return order;
    }

    /// <summary>A literal value as a property value; <paramref name="resolve"/> gives the value of a whole-value interpolation.</summary>
    public static PropertyValue ToProperty(object? value, Func<string, PropertyValue> resolve) => value switch
    {
        string text when Interpolation().Match(text) is { Success: true } match && match.Length == text.Length => resolve(match.Groups[1].Value),
        string text => PropertyValue.From(text),
        bool flag => PropertyValue.From(flag),
        long number => PropertyValue.From(number),
        double number => PropertyValue.From(number),
        IReadOnlyList<object?> items => PropertyValue.From(items.Select(i => ToProperty(i, resolve))),
        IReadOnlyDictionary<string, object?> map => PropertyValue.From(new PropertyMap(map.Select(p => KeyValuePair.Create(p.Key, ToProperty(p.Value, resolve))))),
        null => PropertyValue.Null,
        _ => throw new FormatException($"no property value for {value}"),
    };

    private static IEnumerable<string> Interpolations(object? value) => value switch
    {
        string text => Interpolation().Matches(text).Select(m => m.Groups[1].Value),
        IReadOnlyList<object?> items => items.SelectMany(Interpolations),
        IReadOnlyDictionary<string, object?> map => map.Values.SelectMany(Interpolations),
        _ => [],
    };

    private static object? ToValue(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ToValue(p.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(ToValue).ToList(),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Plain(scalar.Value ?? string.Empty),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new FormatException($"unexpected YAML node {node.NodeType}"),
    };

    private static object? Plain(string text) => text switch
    {
        "true" => true,
        "false" => false,
        "null" or "~" or "" => null,
        _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => text,
    };

    [GeneratedRegex(@"\$\{([A-Za-z0-9_.\-]+)\}")]
    private static partial Regex Interpolation();
}
