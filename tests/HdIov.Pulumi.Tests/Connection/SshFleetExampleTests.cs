using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Session;
using HdIov.Engine.Tests.Testing;
using HdIov.PowerShell.Tests.Ssh;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Connection;

/// <summary>
/// examples/pulumi/fleet-yaml against three simulated hosts, each behind its own real sshd on loopback with the HdIov
/// module installed from its package: one provider process per host (config <c>connection</c>), the hosts' resources
/// run in parallel the way the Pulumi engine runs one provider per host, and the engine runs on each host over SSH.
/// Up, a second up that changes nothing, and destroy, which gives every device back. Without the Pulumi CLI (not in
/// this environment) the program's resources are driven over the provider's gRPC surface as <c>pulumi up</c> drives them.
/// </summary>
[Trait("Category", "Pulumi")]
public sealed class SshFleetExampleTests
{
    private static readonly string Folder = RepositoryPaths.Of("examples/pulumi/fleet-yaml");

    [Fact]
    public async Task FleetYaml_UpNoOpUpAndDestroy_OverSsh_OneProviderPerHost()
    {
        var program = YamlProgram.Load(Path.Combine(Folder, "Pulumi.yaml"));
        using var farm = new SshServerFarm();
        var hosts = Enumerable.Range(1, 3).Select(_ => TemporarySimulatedHost.Create("mtty-lab")).ToList();
        try
        {
            var config = new Dictionary<string, PropertyValue>(StringComparer.Ordinal)
            {
                ["user"] = PropertyValue.From(Environment.UserName),
                ["privateKey"] = PropertyValue.Secret(PropertyValue.From(File.ReadAllText(farm.ClientKey))),
            };
            for (var n = 1; n <= hosts.Count; n++)
            {
                var server = farm.Start($"node-{n}", hosts[n - 1].Root);
                config[$"node{n}Address"] = PropertyValue.From(server.Address.ToString());
                config[$"node{n}Port"] = PropertyValue.From(server.Port);
                config[$"node{n}HostKey"] = PropertyValue.From(File.ReadAllText(server.HostKey + ".pub").Trim());
            }

            var deployment = new Deployment(program, config);
            try
            {
                await deployment.UpAsync();
                for (var n = 0; n < hosts.Count; n++)
                {
                    var state = Observe(hosts[n]);
                    Assert.Equal(2, state.Mdevs.Count(m => m.Type == "mtty-1"));
                    Assert.Equal(1, state.Mdevs.Count(m => m.Type == "mtty-2"));
                    Assert.Contains(state.Mdevs, m => m.Uuid == VdevIdentity.UuidFor($"node-{n + 1}", new VdevName("serial", 0, "mtty-1", 0)));
                    Assert.Equal(["serial/0/mtty-1/0", "serial/0/mtty-2/0"], CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName).Order(StringComparer.Ordinal));
                }

                foreach (var (name, output) in program.Outputs)
                {
                    Assert.False(YamlProgram.ToProperty(output, deployment.Resolve).Equals(PropertyValue.Null), $"output {name} is null");
                }

                var writes = hosts.Select(Writes).ToList();
                Assert.Empty(await deployment.DiffAsync());
                Assert.Equal(writes, hosts.Select(Writes).ToList());

                await deployment.DestroyAsync();
                foreach (var host in hosts)
                {
                    var state = Observe(host);
                    Assert.Empty(state.Mdevs);
                    Assert.Empty(CdiSpecDocument.Parse(state.Platform.CdiSpec));
                    Assert.DoesNotContain(state.Ledger.Entries, e => e.Kind == LedgerEntryKind.Mdev);
                }

                Assert.DoesNotContain("OPENSSH PRIVATE KEY", deployment.Logs(), StringComparison.Ordinal);
            }
            finally
            {
                await deployment.DisposeAsync();
            }
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    internal static HostState Observe(TemporarySimulatedHost host)
    {
        using var session = HostSession.Open(host.Root);
        return session.Observe();
    }

    /// <summary>The simulated kernel's write stamp: it changes with every write through the kernel model.</summary>
    internal static string Writes(TemporarySimulatedHost host)
    {
        var path = Path.Combine(host.Root, ".hdiov-sim", "writes.json");
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    /// <summary>
    /// The program's stack: one provider process per provider resource, each host's resources in dependency order on
    /// its own provider, the hosts side by side.
    /// </summary>
    private sealed class Deployment(YamlProgram program, IReadOnlyDictionary<string, PropertyValue> config) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, ProviderUnderTest> _providers = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, PropertyMap> _outputs = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, (string Id, Struct Inputs, Struct Outputs)> _created = new(StringComparer.Ordinal);

        public PropertyValue Resolve(string reference)
        {
            var parts = reference.Split('.');
            return parts.Length == 1 && config.TryGetValue(parts[0], out var configured) ? configured
                : parts.Length == 2 ? _outputs[parts[0]][parts[1]]
                : throw new InvalidOperationException($"the test cannot resolve ${{{reference}}}");
        }

        public async Task UpAsync()
        {
            await Task.WhenAll(ProviderNames().Select(async name =>
            {
                var provider = await ProviderUnderTest.StartAsync();
                _providers[name] = provider;
                await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
                var news = Properties(name);
                var urn = Urns.Of(SchemaConformance.ProviderType, name);
                var checkedConfig = await provider.Client.CheckConfigAsync(new CheckRequest { Urn = urn, Type = SchemaConformance.ProviderType, Name = name, News = StructCodec.Encode(news.Reveal()) });
                Assert.Empty(checkedConfig.Failures);
                var connection = Assert.IsType<ObjectValue>(StructCodec.Decode(checkedConfig.Inputs)["connection"]);
                Assert.IsType<SecretValue>(connection.Map["privateKey"]);
                await provider.Client.ConfigureAsync(new ConfigureRequest { Args = checkedConfig.Inputs, AcceptSecrets = true, AcceptResources = true });
                _outputs[name] = StructCodec.Decode(checkedConfig.Inputs);

                foreach (var resource in ResourcesOf(name))
                {
                    var type = YamlProgram.TypeOf(program.Resources[resource]);
                    var resourceUrn = Urns.Of(type, resource);
                    var check = await provider.Client.CheckAsync(new CheckRequest { Urn = resourceUrn, Type = type, Name = resource, Olds = new Struct(), News = StructCodec.Encode(Properties(resource)) });
                    Assert.Empty(check.Failures);
                    var created = await provider.Client.CreateAsync(new CreateRequest { Urn = resourceUrn, Type = type, Name = resource, Properties = check.Inputs });
                    Assert.NotEqual(string.Empty, created.Id);
                    _created[resource] = (created.Id, check.Inputs, created.Properties);
                    _outputs[resource] = StructCodec.Decode(created.Properties);
                }
            }));
        }

        /// <summary>The resources a second up would change (each with what), as Diff tells.</summary>
        public async Task<List<string>> DiffAsync()
        {
            var changed = new ConcurrentBag<string>();
            await Task.WhenAll(ProviderNames().Select(async name =>
            {
                foreach (var resource in ResourcesOf(name))
                {
                    var type = YamlProgram.TypeOf(program.Resources[resource]);
                    var (id, inputs, outputs) = _created[resource];
                    var diff = await _providers[name].Client.DiffAsync(new DiffRequest { Id = id, Urn = Urns.Of(type, resource), Type = type, Name = resource, OldInputs = inputs, Olds = outputs, News = inputs });
                    if (diff.Changes != DiffResponse.Types.DiffChanges.DiffNone)
                    {
                        changed.Add($"{resource}: {string.Join(", ", diff.Diffs)}");
                    }
                }
            }));
            return [.. changed];
        }

        public async Task DestroyAsync()
        {
            await Task.WhenAll(ProviderNames().Select(async name =>
            {
                foreach (var resource in ResourcesOf(name).AsEnumerable().Reverse())
                {
                    var type = YamlProgram.TypeOf(program.Resources[resource]);
                    var (id, inputs, outputs) = _created[resource];
                    await _providers[name].Client.DeleteAsync(new DeleteRequest { Id = id, Urn = Urns.Of(type, resource), Type = type, Name = resource, OldInputs = inputs, Properties = outputs });
                }
            }));
        }

        public string Logs() => string.Join("\n", _providers.Values.Select(p => p.Log.ToString()));

        public async ValueTask DisposeAsync()
        {
            foreach (var provider in _providers.Values)
            {
                await provider.DisposeAsync();
            }
        }

        private List<string> ProviderNames() =>
            [.. program.Resources.Where(r => YamlProgram.TypeOf(r.Value) == SchemaConformance.ProviderType).Select(r => r.Key)];

        /// <summary>The custom resources of provider <paramref name="provider"/>, in the order <c>pulumi up</c> creates them.</summary>
        private List<string> ResourcesOf(string provider) =>
            [.. program.DependencyOrder().Where(r => OptionsOf(r)?.GetValueOrDefault("provider") is string p && p == $"${{{provider}}}")];

        private IReadOnlyDictionary<string, object?>? OptionsOf(string resource) =>
            ((IReadOnlyDictionary<string, object?>)program.Resources[resource]!).GetValueOrDefault("options") as IReadOnlyDictionary<string, object?>;

        private PropertyMap Properties(string resource) =>
            new(YamlProgram.PropertiesOf(program.Resources[resource]).Select(p => KeyValuePair.Create(p.Key, YamlProgram.ToProperty(p.Value, Resolve))));
    }
}
