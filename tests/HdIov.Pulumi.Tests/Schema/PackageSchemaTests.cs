using System.Text.Json.Nodes;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using Json.Schema;

namespace HdIov.Pulumi.Tests.Schema;

[Trait("Category", "Pulumi")]
public sealed class PackageSchemaTests
{
    [Fact]
    public async Task GetSchema_BeforeConfigure_ValidatesAgainstThePulumiMetaschema()
    {
        await using var provider = await ProviderUnderTest.StartAsync();

        var text = (await provider.Client.GetSchemaAsync(new GetSchemaRequest())).Schema;

        var metaschema = JsonSchema.FromText(await File.ReadAllTextAsync(SharedFixtures.PathOf("pulumi/pulumi.json")));
        using var document = System.Text.Json.JsonDocument.Parse(text);
        var result = metaschema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public async Task GetSchema_EveryResourceTypeAndProperty_HasADescription()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var schema = JsonNode.Parse((await provider.Client.GetSchemaAsync(new GetSchemaRequest())).Schema)!;

        var missing = new List<string>();
        foreach (var (token, resource) in schema["resources"]!.AsObject().Concat(schema["types"]!.AsObject()))
        {
            if (resource!["description"] is null)
            {
                missing.Add(token);
            }

            foreach (var section in new[] { "inputProperties", "properties" })
            {
                missing.AddRange((resource[section]?.AsObject() ?? []).Where(p => p.Value!["description"] is null).Select(p => $"{token}.{section}.{p.Key}"));
            }
        }

        missing.AddRange(schema["config"]!["variables"]!.AsObject().Where(p => p.Value!["description"] is null).Select(p => "config." + p.Key));
        Assert.Empty(missing);
        Assert.Equal(["hdiov:index:Attachment", "hdiov:index:DeviceSplit", "hdiov:index:Host", "hdiov:index:Platform"], schema["resources"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal("HdIov", schema["language"]!["csharp"]!["rootNamespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetSchema_VersionAndReplaceOnChanges_MatchThePlugin()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var schema = JsonNode.Parse((await provider.Client.GetSchemaAsync(new GetSchemaRequest())).Schema)!;
        var version = (await provider.Client.GetPluginInfoAsync(new Google.Protobuf.WellKnownTypes.Empty())).Version;

        Assert.Equal(version, schema["version"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        var split = schema["resources"]!["hdiov:index:DeviceSplit"]!["inputProperties"]!.AsObject();
        Assert.Equal(["mode", "name", "select"], split.Where(p => p.Value!["replaceOnChanges"]?.GetValue<bool>() == true).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(schema["types"]!["hdiov:index:RedfishAccount"]!["properties"]!["password"]!["secret"]!.GetValue<bool>());
        Assert.True(schema["config"]!["variables"]!["bmcPassword"]!["secret"]!.GetValue<bool>());
        Assert.Equal("#/types/hdiov:index:Connection", schema["config"]!["variables"]!["connection"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/types/hdiov:index:Connection", schema["provider"]!["inputProperties"]!["connection"]!["$ref"]!.GetValue<string>());
        var connection = schema["types"]!["hdiov:index:Connection"]!;
        Assert.Equal(["host", "hostKey", "port", "privateKey", "user"], connection["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["privateKey"], connection["properties"]!.AsObject().Where(p => p.Value!["secret"]?.GetValue<bool>() == true).Select(p => p.Key));
    }
}
