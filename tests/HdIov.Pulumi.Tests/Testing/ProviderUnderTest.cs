using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Testing;

/// <summary>The provider's real Kestrel host started in-process on port 0, with a gRPC client on its port and its log captured.</summary>
internal sealed class ProviderUnderTest : IAsyncDisposable
{
    private readonly ProviderHost _host;
    private readonly GrpcChannel _channel;

    private ProviderUnderTest(ProviderHost host, GrpcChannel channel, StringWriter log)
    {
        _host = host;
        _channel = channel;
        Log = log;
        Client = new ResourceProvider.ResourceProviderClient(channel);
    }

    public ResourceProvider.ResourceProviderClient Client { get; }

    public StringWriter Log { get; }

    public ProviderHost Host => _host;

    public static async Task<ProviderUnderTest> StartAsync()
    {
        var log = new StringWriter();
        var host = await ProviderHost.StartAsync(new ProviderArguments((string?)null), TextWriter.Synchronized(log));
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");
        return new ProviderUnderTest(host, channel, log);
    }

    /// <summary>Starts the provider and configures it for a simulated host, as the engine does for a default provider.</summary>
    public static async Task<ProviderUnderTest> ConfiguredAsync(string hostRoot, string hostName = "node-a")
    {
        var provider = await StartAsync();
        await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
        var config = Bag.Of(("hostRoot", hostRoot), ("hostName", hostName), ("version", "0.1.0"));
        var checkedConfig = await provider.Client.CheckConfigAsync(new CheckRequest { Urn = Urns.Provider, News = StructCodec.Encode(config) });
        Assert.Empty(checkedConfig.Failures);
        await provider.Client.ConfigureAsync(new ConfigureRequest { Args = checkedConfig.Inputs, AcceptSecrets = true, AcceptResources = true });
        return provider;
    }

    public async Task<(string Id, PropertyMap Outputs, PropertyMap Inputs)> UpAsync(string type, string name, PropertyMap news)
    {
        var urn = Urns.Of(type, name);
        var checkedInputs = await Client.CheckAsync(new CheckRequest { Urn = urn, Type = type, Name = name, Olds = new Struct(), News = StructCodec.Encode(news) });
        Assert.Empty(checkedInputs.Failures);
        var created = await Client.CreateAsync(new CreateRequest { Urn = urn, Type = type, Name = name, Properties = checkedInputs.Inputs });
        Assert.NotEqual(string.Empty, created.Id);
        return (created.Id, StructCodec.Decode(created.Properties), StructCodec.Decode(checkedInputs.Inputs));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
    }
}
