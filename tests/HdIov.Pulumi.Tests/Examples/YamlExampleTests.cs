using Google.Protobuf.WellKnownTypes;
using HdIov.Engine.Attachments;
using HdIov.Engine.Model;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Examples;

/// <summary>
/// examples/pulumi/yaml without the Pulumi CLI: the program is checked against the provider's schema, then its
/// resources run against the provider in-process on a fresh simulated host in the order <c>pulumi up</c> would run them.
/// </summary>
[Trait("Category", "Pulumi")]
public sealed class YamlExampleTests
{
    private static readonly string Folder = RepositoryPaths.Of("examples/pulumi/yaml");

    [Fact]
    public void YamlExample_IsAYamlProgramThatLoadsTheBuiltPlugin()
    {
        var program = YamlProgram.Load(Path.Combine(Folder, "Pulumi.yaml"));

        Assert.Equal("yaml", program.Runtime);
        var plugin = Assert.Single((IReadOnlyList<object?>)program.Section("plugins")["providers"]!);
        var fields = (IReadOnlyDictionary<string, object?>)plugin!;
        Assert.Equal("hdiov", fields["name"]);
        Assert.Equal(
            Path.GetFullPath(RepositoryPaths.Of("artifacts/bin/HdIov.Pulumi/debug")),
            Path.GetFullPath(Path.Combine(Folder, (string)fields["path"]!)));
        Assert.True(File.Exists(Path.Combine(Folder, "README.md")));
    }

    [Fact]
    public async Task YamlExample_EveryTypeAndPropertyIsInTheSchema()
    {
        var program = YamlProgram.Load(Path.Combine(Folder, "Pulumi.yaml"));
        var schema = await SchemaConformance.FromProviderAsync();

        var problems = program.Resources.SelectMany(r => schema.Check(YamlProgram.TypeOf(r.Value), YamlProgram.PropertiesOf(r.Value))).ToList();

        Assert.Empty(problems);
        Assert.Equal(
            ["hdiov:index:Attachment", "hdiov:index:DeviceSplit", "hdiov:index:Platform", SchemaConformance.ProviderType],
            program.Resources.Values.Select(YamlProgram.TypeOf).Order(StringComparer.Ordinal));
        foreach (var (name, output) in program.Outputs)
        {
            var reference = ((string)output!).Trim('$', '{', '}').Split('.');
            var type = YamlProgram.TypeOf(program.Resources[reference[0]]);
            Assert.True(schema.ResourceSpec(type)!["properties"]![reference[1]] is not null, $"output {name}: {type} has no output {reference[1]}");
        }
    }

    [Fact]
    public async Task SchemaConformance_WrongEnumValueOrUnknownProperty_IsReported()
    {
        var schema = await SchemaConformance.FromProviderAsync();

        var problems = schema.Check("hdiov:index:DeviceSplit", new Dictionary<string, object?>
        {
            ["mode"] = "scalable",
            ["vdefs"] = new Dictionary<string, object?>(),
        });

        Assert.Contains(problems, p => p.Contains("'scalable' is not one of siov, sriov, none", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'vdefs' is not an input property", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("required input 'select' is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task YamlExample_Up_ConvergesAFreshSimulatedHost_AndASecondUpChangesNothing()
    {
        var program = YamlProgram.Load(Path.Combine(Folder, "Pulumi.yaml"));
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var config = new Dictionary<string, PropertyValue>(StringComparer.Ordinal) { ["hostRoot"] = PropertyValue.From(sim.Root) };
        foreach (var (key, spec) in program.Section("config"))
        {
            config.TryAdd(key, YamlProgram.ToProperty(((IReadOnlyDictionary<string, object?>)spec!)["default"], _ => PropertyValue.Null));
        }

        await using var provider = await ProviderUnderTest.StartAsync();
        await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
        var outputs = new Dictionary<string, PropertyMap>(StringComparer.Ordinal);
        PropertyValue Resolve(string reference)
        {
            var parts = reference.Split('.');
            return parts.Length == 1 && config.TryGetValue(parts[0], out var configured) ? configured
                : parts.Length == 2 ? outputs[parts[0]][parts[1]]
                : throw new InvalidOperationException($"the test cannot resolve ${{{reference}}}");
        }

        foreach (var name in program.DependencyOrder())
        {
            var resource = program.Resources[name];
            var type = YamlProgram.TypeOf(resource);
            var news = new PropertyMap(YamlProgram.PropertiesOf(resource).Select(p => KeyValuePair.Create(p.Key, YamlProgram.ToProperty(p.Value, Resolve))));
            var urn = Urns.Of(type, name);
            if (type == SchemaConformance.ProviderType)
            {
                var checkedConfig = await provider.Client.CheckConfigAsync(new CheckRequest { Urn = urn, Type = type, Name = name, News = StructCodec.Encode(news) });
                Assert.Empty(checkedConfig.Failures);
                await provider.Client.ConfigureAsync(new ConfigureRequest { Args = checkedConfig.Inputs, AcceptSecrets = true, AcceptResources = true });
                outputs[name] = StructCodec.Decode(checkedConfig.Inputs);
                continue;
            }

            var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = type, Name = name, Olds = new Struct(), News = StructCodec.Encode(news) });
            Assert.Empty(check.Failures);
            var created = await provider.Client.CreateAsync(new CreateRequest { Urn = urn, Type = type, Name = name, Properties = check.Inputs });
            Assert.NotEqual(string.Empty, created.Id);
            outputs[name] = StructCodec.Decode(created.Properties);
            var again = await provider.Client.DiffAsync(new DiffRequest { Id = created.Id, Urn = urn, Type = type, Name = name, OldInputs = check.Inputs, Olds = created.Properties, News = check.Inputs });
            Assert.True(again.Changes == DiffResponse.Types.DiffChanges.DiffNone, $"{name}: a second up would change {string.Join(", ", again.Diffs)}");
        }

        foreach (var (name, output) in program.Outputs)
        {
            Assert.False(YamlProgram.ToProperty(output, Resolve).Equals(PropertyValue.Null), $"output {name} is null");
        }

        var state = Observe(sim);
        Assert.Equal(2, state.Mdevs.Count(m => m.Type == "mtty-1"));
        Assert.Equal(1, state.Mdevs.Count(m => m.Type == "mtty-2"));
        Assert.Contains(state.Mdevs, m => m.Uuid == VdevIdentity.UuidFor("lab-01", new VdevName("serial", 0, "mtty-1", 0)));
        Assert.Equal(["serial/0/mtty-1/0", "serial/0/mtty-2/0"], CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName).Order(StringComparer.Ordinal));
        Assert.Contains("hugepagesz=2M", state.Platform.BootCommandLine, StringComparison.Ordinal);
        Assert.Contains(state.Platform.Hugepages, p => p.SizeKiB == 2048 && p.Count == 16);
    }
}
