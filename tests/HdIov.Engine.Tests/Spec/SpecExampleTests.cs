using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HdIov.Engine.Spec;
using Json.Schema;
using YamlDotNet.Serialization;

namespace HdIov.Engine.Tests.Spec;

/// <summary>
/// The shipped examples: valid ones load without a diagnostic and satisfy the JSON Schema; each invalid one gives
/// exactly the diagnostics its <c># expect:</c> lines name, and the schema's verdict its <c># schema:</c> line names.
/// </summary>
[Trait("Category", "Spec")]
public sealed partial class SpecExampleTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepositoryFiles.SchemaPath)));

    public static TheoryData<string> ValidExamples => [.. RepositoryFiles.ValidExamples.Select(RepositoryFiles.Relative)];

    public static TheoryData<string> InvalidExamples => [.. RepositoryFiles.InvalidExamples.Select(RepositoryFiles.Relative)];

    [Fact]
    public void Examples_CoverTheThreeScenarios()
    {
        Assert.Equal(
            ["examples/icx-sriov/host.yaml", "examples/mtty-lab/host.yaml", "examples/mtty-lab/qemu-by-hand.yaml", "examples/spr-qat-e810/dsa-iaa.yaml", "examples/spr-qat-e810/host.yaml"],
            RepositoryFiles.ValidExamples.Select(RepositoryFiles.Relative));
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void LoadFile_ValidExample_HasNoDiagnostics(string example)
    {
        var result = SpecLoader.LoadFile(Path.Combine(RepositoryFiles.Root, example));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Schema_ValidExampleAndItsCanonicalForm_AreAccepted(string example)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, example));

        AssertSchemaVerdict(text, valid: true);
        AssertSchemaVerdict(SpecWriter.Write(SpecAssert.Valid(text)), valid: true);
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void LoadFile_InvalidExample_GivesExactlyTheExpectedDiagnostics(string example)
    {
        var path = Path.Combine(RepositoryFiles.Root, example);
        var expected = ExpectLine().Matches(File.ReadAllText(path))
            .Select(m => $"{m.Groups["code"].Value} {m.Groups["line"].Value}:{m.Groups["column"].Value} {m.Groups["path"].Value}".TrimEnd())
            .ToArray();

        var result = SpecLoader.LoadFile(path);

        Assert.NotEmpty(expected);
        Assert.Null(result.Spec);
        Assert.Equal(expected, result.Diagnostics.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Code} {d.Location!.Line}:{d.Location.Column} {d.KeyPath}").TrimEnd()));
        Assert.All(result.Diagnostics, d => Assert.Equal(path, d.Location!.File));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Schema_InvalidExample_GivesTheStatedVerdict(string example)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, example));
        var verdict = SchemaLine().Match(text);

        Assert.True(verdict.Success, $"{example} has no '# schema:' line");
        switch (verdict.Groups["verdict"].Value)
        {
            case "rejects":
                AssertSchemaVerdict(text, valid: false);
                break;
            case "accepts":
                AssertSchemaVerdict(text, valid: true);
                break;
            default:
                Assert.Equal("skip", verdict.Groups["verdict"].Value);
                Assert.NotEmpty(verdict.Groups["reason"].Value);
                break;
        }
    }

    [Fact]
    public void Schema_EveryProperty_HasADescription()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepositoryFiles.SchemaPath))!;
        var undocumented = new List<string>();
        Walk(schema, "#");

        Assert.Empty(undocumented);

        void Walk(JsonNode? node, string at)
        {
            if (node is JsonObject obj)
            {
                if (obj["properties"] is JsonObject properties)
                {
                    undocumented.AddRange(properties.Where(p => p.Value?["description"] is null && at.Contains("/then", StringComparison.Ordinal) is false && at.Contains("/if", StringComparison.Ordinal) is false).Select(p => $"{at}/properties/{p.Key}"));
                }

                foreach (var (key, child) in obj)
                {
                    Walk(child, $"{at}/{key}");
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{at}/{i}");
                }
            }
        }
    }

    private static void AssertSchemaVerdict(string yaml, bool valid)
    {
        var document = YamlToJson(yaml);
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(results.IsValid == valid, $"schema verdict {results.IsValid}, expected {valid}: " + string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    /// <summary>YAML to JSON the way editors see it: YamlDotNet resolves unquoted scalars to numbers and booleans.</summary>
    internal static JsonDocument YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(yaml);
        return JsonDocument.Parse(JsonSerializer.Serialize(Normalize(graph)));
    }

    private static object? Normalize(object? value) => value switch
    {
        IDictionary<object, object?> map => map.ToDictionary(e => Convert.ToString(e.Key, CultureInfo.InvariantCulture)!, e => Normalize(e.Value)),
        IList<object?> list => list.Select(Normalize).ToList(),
        _ => value,
    };

    [GeneratedRegex(@"^# expect: (?<code>HDIOV\d{4}) (?<line>\d+):(?<column>\d+)(?: (?<path>\S+))?$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^# schema: (?<verdict>rejects|accepts|skip)(?: \((?<reason>[^)]+)\))?$", RegexOptions.Multiline)]
    private static partial Regex SchemaLine();
}
