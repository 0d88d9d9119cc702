using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>
/// mdevctl's persisted definition, <c>/etc/mdevctl.d/&lt;parent&gt;/&lt;uuid&gt;</c>:
/// <c>{"mdev_type": "...", "start": "auto"|"manual", "attrs": [{"name": "value"}, ...]}</c>. The UUID and the parent
/// come from the path, not the file.
/// </summary>
public static class MdevctlDefinitionFormat
{
    public const string Directory = KernelPaths.MdevctlConfig;

    public static string PathOf(string parent, Guid uuid) =>
        Host.HostPath.Combine(Host.HostPath.Combine(Directory, parent), uuid.ToString("D"));

    /// <summary>Parses one file; a file mdevctl would reject is a <see cref="FormatException"/> saying why.</summary>
    public static MdevctlDefinition Parse(Guid uuid, string parent, string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException error)
        {
            throw new FormatException($"not JSON: {error.Message}", error);
        }

        if (root is not JsonObject document)
        {
            throw new FormatException("the definition must be a JSON object");
        }

        var type = document["mdev_type"] is JsonValue typeValue && typeValue.TryGetValue<string>(out var typeText) && typeText.Length > 0
            ? typeText
            : throw new FormatException("\"mdev_type\" is missing or not a string");

        var start = document["start"] switch
        {
            null => "manual",
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw new FormatException("\"start\" must be \"auto\" or \"manual\""),
        };
        if (start is not ("auto" or "manual"))
        {
            throw new FormatException($"\"start\" is \"{Host.HostPath.Printable(start)}\"; it must be \"auto\" or \"manual\"");
        }

        var attributes = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        switch (document["attrs"])
        {
            case null:
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not JsonObject pair || pair.Count != 1 || pair.First().Value is not JsonValue value || !value.TryGetValue<string>(out var text))
                    {
                        throw new FormatException("every entry of \"attrs\" must be an object with one string member");
                    }

                    attributes.Add(new KeyValuePair<string, string>(pair.First().Key, text));
                }

                break;
            default:
                throw new FormatException("\"attrs\" must be an array");
        }

        return new MdevctlDefinition(uuid, parent, type, start == "auto", attributes.ToImmutable());
    }

    /// <summary>The file content mdevctl itself writes for this definition.</summary>
    public static string Write(MdevctlDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var attributes = new JsonArray();
        foreach (var (name, value) in definition.Attributes)
        {
            attributes.Add(new JsonObject { [name] = value });
        }

        var document = new JsonObject
        {
            ["mdev_type"] = definition.Type,
            ["start"] = definition.AutoStart ? "auto" : "manual",
            ["attrs"] = attributes,
        };
        var text = new StringBuilder(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return text.Append('\n').ToString();
    }
}
