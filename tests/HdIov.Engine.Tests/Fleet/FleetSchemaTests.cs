using System.Text.Json.Nodes;
using HdIov.Engine.Fleet;
using HdIov.Engine.Tests.Spec;
using Json.Schema;

namespace HdIov.Engine.Tests.Fleet;

/// <summary>The fleet document's JSON Schema agrees with the loader on the shipped example and on refused documents.</summary>
public sealed class FleetSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(RepositoryFiles.Root, "schemas", "hdiov.fleet.v1alpha1.schema.json");

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    private static readonly string Example = Path.Combine(RepositoryFiles.Root, "examples", "fleet", "fleet.yaml");

    [Fact]
    public void The_example_fleet_is_valid_for_the_schema_and_the_loader()
    {
        Assert.True(Evaluate(File.ReadAllText(Example)));
        Assert.True(FleetLoader.LoadFile(Example).Succeeded);
    }

    [Theory]
    [InlineData("    waves: [1, 5, \"20%\"]", "    waves: [0]")]
    [InlineData("    order: inventory", "    order: random")]
    [InlineData("    timeouts: { connect: 30s, host: 20m }", "    timeouts: { connect: 0 }")]
    [InlineData("    onHeldDevice: refuse", "    onHeldDevice: ignore")]
    [InlineData("    throttle: 10", "    throttel: 10")]
    public void What_the_loader_refuses_the_schema_refuses(string line, string replacement)
    {
        var text = File.ReadAllText(Example);
        Assert.Contains(line, text, StringComparison.Ordinal);
        var changed = text.Replace(line, replacement, StringComparison.Ordinal);

        Assert.False(Evaluate(changed));
        Assert.False(FleetLoader.LoadText(changed, Example, Path.GetDirectoryName(Example)!).Succeeded);
    }

    [Fact]
    public void Every_property_has_a_description()
    {
        var undocumented = new List<string>();
        Walk(JsonNode.Parse(File.ReadAllText(SchemaPath)), "#");

        Assert.Empty(undocumented);

        void Walk(JsonNode? node, string at)
        {
            if (node is not JsonObject obj)
            {
                return;
            }

            if (obj["properties"] is JsonObject properties)
            {
                undocumented.AddRange(properties.Where(p => p.Value?["description"] is null).Select(p => $"{at}/properties/{p.Key}"));
            }

            foreach (var (key, child) in obj)
            {
                Walk(child, $"{at}/{key}");
            }
        }
    }

    private static bool Evaluate(string yaml) =>
        Schema.Value.Evaluate(SpecExampleTests.YamlToJson(yaml).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;
}
