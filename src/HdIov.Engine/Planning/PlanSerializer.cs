using System.Text.Json;
using System.Text.Json.Serialization;

namespace HdIov.Engine.Planning;

/// <summary>Plans as JSON, for review, for CI artifacts, and to apply later exactly what was reviewed.</summary>
public static class PlanSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToJson(Plan plan) => JsonSerializer.Serialize(plan, Options);

    public static Plan FromJson(string json) =>
        JsonSerializer.Deserialize<Plan>(json, Options) ?? throw new JsonException("the plan document is empty");
}
