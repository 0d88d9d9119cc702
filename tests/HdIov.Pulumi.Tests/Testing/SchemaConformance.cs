using System.Text.Json.Nodes;

namespace HdIov.Pulumi.Tests.Testing;

/// <summary>
/// Checks a program's literal property values against the package schema the provider returns: known properties,
/// required inputs, primitive types, arrays, maps, object types and enum values. Values that are interpolations
/// (<c>${...}</c>) are left to the program's run.
/// </summary>
internal sealed class SchemaConformance(JsonObject schema)
{
    public const string ProviderType = "pulumi:providers:hdiov";

    /// <summary>The schema of a provider started in-process, as GetSchema returns it.</summary>
    public static async Task<SchemaConformance> FromProviderAsync()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var response = await provider.Client.GetSchemaAsync(new Rpc.GetSchemaRequest());
        return new SchemaConformance(JsonNode.Parse(response.Schema)!.AsObject());
    }

    public JsonObject? ResourceSpec(string type) =>
        type == ProviderType ? schema["provider"]!.AsObject() : schema["resources"]?[type]?.AsObject();

    public JsonObject? TypeSpec(string token) => schema["types"]?[token]?.AsObject();

    /// <summary>Every problem with one resource's properties, each naming the property path.</summary>
    public List<string> Check(string type, IReadOnlyDictionary<string, object?> properties)
    {
        var problems = new List<string>();
        if (ResourceSpec(type) is not { } resource)
        {
            problems.Add($"{type}: no such resource in the schema");
            return problems;
        }

        var inputs = resource["inputProperties"]!.AsObject();
        foreach (var required in resource["requiredInputs"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
        {
            if (!properties.ContainsKey(required))
            {
                problems.Add($"{type}: required input '{required}' is missing");
            }
        }

        foreach (var (key, value) in properties)
        {
            if (inputs[key] is not JsonObject spec)
            {
                problems.Add($"{type}: '{key}' is not an input property");
                continue;
            }

            CheckValue(spec, value, $"{type}.{key}", problems);
        }

        return problems;
    }

    private void CheckValue(JsonObject spec, object? value, string path, List<string> problems)
    {
        if (value is string text && text.StartsWith("${", StringComparison.Ordinal) && text.EndsWith('}'))
        {
            return;
        }

        if (spec["$ref"]?.GetValue<string>() is { } reference)
        {
            var token = reference["#/types/".Length..];
            if (TypeSpec(token) is not { } type)
            {
                problems.Add($"{path}: type {token} is not in the schema");
            }
            else if (type["enum"] is JsonArray values)
            {
                var allowed = values.Select(v => v!["value"]!.GetValue<string>()).ToList();
                if (value is not string word || !allowed.Contains(word))
                {
                    problems.Add($"{path}: '{value}' is not one of {string.Join(", ", allowed)}");
                }
            }
            else if (value is not IReadOnlyDictionary<string, object?> fields)
            {
                problems.Add($"{path}: expected an object of type {token}");
            }
            else
            {
                var properties = type["properties"]!.AsObject();
                foreach (var required in type["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                {
                    if (!fields.ContainsKey(required))
                    {
                        problems.Add($"{path}: required '{required}' is missing");
                    }
                }

                foreach (var (key, field) in fields)
                {
                    if (properties[key] is JsonObject fieldSpec)
                    {
                        CheckValue(fieldSpec, field, $"{path}.{key}", problems);
                    }
                    else
                    {
                        problems.Add($"{path}: '{key}' is not a property of {token}");
                    }
                }
            }

            return;
        }

        var kind = spec["type"]!.GetValue<string>();
        var ok = (kind, value) switch
        {
            ("string", string) => true,
            ("boolean", bool) => true,
            ("integer", long) => true,
            ("number", long or double) => true,
            ("array", IReadOnlyList<object?>) => true,
            ("object", IReadOnlyDictionary<string, object?>) => true,
            _ => false,
        };
        if (!ok)
        {
            problems.Add($"{path}: expected {kind}, found {value ?? "null"}");
            return;
        }

        if (value is IReadOnlyList<object?> items)
        {
            for (var index = 0; index < items.Count; index++)
            {
                CheckValue(spec["items"]!.AsObject(), items[index], $"{path}[{index}]", problems);
            }
        }
        else if (value is IReadOnlyDictionary<string, object?> map)
        {
            var valueSpec = spec["additionalProperties"]?.AsObject() ?? new JsonObject { ["type"] = "string" };
            foreach (var (key, item) in map)
            {
                CheckValue(valueSpec, item, $"{path}.{key}", problems);
            }
        }
    }
}
