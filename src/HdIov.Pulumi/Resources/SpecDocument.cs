using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// Turns resource inputs into a HostState document and loads it with the engine's spec loader, so a resource's
/// inputs obey exactly the rules of the spec document (docs/spec.md). Diagnostics come back with the resource's
/// property paths (<c>vdevs.asym</c>) instead of the document's (<c>spec.devices[0].vdevs.asym</c>).
/// </summary>
internal static class SpecDocument
{
    private const string DevicePrefix = "spec.devices[0]";
    private const string PlatformPrefix = "spec.platform";

    public static HostSpec LoadDevice(string hostName, PropertyMap inputs, string urn) =>
        Load(hostName, new JsonObject { ["devices"] = new JsonArray(ToJson(inputs)) }, DevicePrefix, urn);

    public static HostSpec LoadPlatform(string hostName, PropertyMap inputs, string urn) =>
        Load(hostName, new JsonObject { ["platform"] = ToJson(inputs) }, PlatformPrefix, urn);

    /// <summary>A document's key path as the resource's property path.</summary>
    public static string? PropertyPath(string? keyPath) =>
        keyPath is null ? null
        : keyPath.StartsWith(DevicePrefix, StringComparison.Ordinal) ? Trim(keyPath[DevicePrefix.Length..])
        : keyPath.StartsWith(PlatformPrefix, StringComparison.Ordinal) ? Trim(keyPath[PlatformPrefix.Length..])
        : keyPath;

    public static JsonNode? ToJson(PropertyValue value) => value switch
    {
        StringValue s => JsonValue.Create(s.Value),
        BoolValue b => JsonValue.Create(b.Value),
        NumberValue n when Math.Abs(n.Value) < 1e15 && n.Value == Math.Floor(n.Value) => JsonValue.Create((long)n.Value),
        NumberValue n => JsonValue.Create(n.Value),
        ArrayValue a => new JsonArray([.. a.Items.Select(ToJson)]),
        ObjectValue o => ToJson(o.Map),
        SecretValue s => ToJson(s.Value),
        _ => null,
    };

    public static JsonObject ToJson(PropertyMap map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map)
        {
            if (value is not StringValue and not BoolValue and not NumberValue and not ArrayValue and not ObjectValue and not SecretValue)
            {
                continue;
            }

            result[key] = ToJson(value);
        }

        return result;
    }

    private static HostSpec Load(string hostName, JsonObject spec, string prefix, string urn)
    {
        var document = new JsonObject
        {
            ["apiVersion"] = HostSpec.ApiVersion,
            ["kind"] = HostSpec.Kind,
            ["metadata"] = new JsonObject { ["name"] = hostName },
            ["spec"] = spec,
        };
        var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var result = SpecLoader.LoadText(text, urn);
        if (result.Succeeded)
        {
            return result.Spec!;
        }

        var problems = result.Diagnostics.Where(d => d.IsError)
            .Select(d => d with { KeyPath = PropertyPath(d.KeyPath), Location = null })
            .ToImmutableArray();
        throw new InputRejectedException(problems);
    }

    private static string? Trim(string rest) => rest.TrimStart('.') is { Length: > 0 } path ? path : null;
}
