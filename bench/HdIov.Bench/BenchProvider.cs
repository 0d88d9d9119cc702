using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Values;

namespace HdIov.Bench;

/// <summary>
/// The provider on its Kestrel host in this process, configured for one host root, and a gRPC client to it: what the
/// Pulumi engine talks to. Creates DeviceSplit resources and gives the Diff request of an unchanged one.
/// </summary>
internal sealed class BenchProvider
{
    private const string DeviceSplit = "hdiov:index:DeviceSplit";

    private readonly ProviderHost _provider;
    private readonly GrpcChannel _channel;
    private readonly ResourceProvider.ResourceProviderClient _client;

    public BenchProvider(string hostRoot)
    {
        _provider = ProviderHost.StartAsync(new ProviderArguments((string?)null), TextWriter.Null).GetAwaiter().GetResult();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_provider.Port}");
        _client = new ResourceProvider.ResourceProviderClient(_channel);
        var config = new PropertyMap([KeyValuePair.Create("hostRoot", PropertyValue.From(hostRoot)), KeyValuePair.Create("hostName", PropertyValue.From("bench-node"))]);
        _client.Configure(new ConfigureRequest { Args = StructCodec.Encode(config), AcceptSecrets = true, AcceptResources = true });
    }

    /// <summary>Creates the DeviceSplit <paramref name="name"/> of <paramref name="count"/> VDEVs of <paramref name="type"/> on one PF, and returns the Diff of its unchanged inputs.</summary>
    public DiffRequest CreateSplit(string name, string pciAddress, string type, int count)
    {
        var urn = $"urn:pulumi:bench::bench::{DeviceSplit}::{name}";
        var inputs = new PropertyMap(
        [
            KeyValuePair.Create("name", PropertyValue.From(name)),
            KeyValuePair.Create("select", PropertyValue.From(new PropertyMap([KeyValuePair.Create("pciAddress", PropertyValue.From(pciAddress))]))),
            KeyValuePair.Create("mode", PropertyValue.From("siov")),
            KeyValuePair.Create("vdevs", PropertyValue.From(new PropertyMap([KeyValuePair.Create(type, PropertyValue.From(count))]))),
        ]);
        var check = _client.Check(new CheckRequest { Urn = urn, Type = DeviceSplit, Name = name, Olds = new Struct(), News = StructCodec.Encode(inputs) });
        var created = _client.Create(new CreateRequest { Urn = urn, Type = DeviceSplit, Name = name, Properties = check.Inputs });
        var unchanged = new DiffRequest { Id = created.Id, Urn = urn, Type = DeviceSplit, Name = name, OldInputs = check.Inputs, Olds = created.Properties, News = check.Inputs };
        if (Diff(unchanged) != DiffResponse.Types.DiffChanges.DiffNone)
        {
            throw new InvalidOperationException($"the converged DeviceSplit {name} still differs from its inputs; the benchmark would measure an update");
        }

        return unchanged;
    }

    public DiffResponse.Types.DiffChanges Diff(DiffRequest request) => _client.Diff(request).Changes;

    public void Stop()
    {
        _channel.Dispose();
        _provider.StopAsync().GetAwaiter().GetResult();
        _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
