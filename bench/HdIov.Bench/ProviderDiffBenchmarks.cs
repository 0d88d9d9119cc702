using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using HdIov.Engine.Simulation;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Values;

namespace HdIov.Bench;

/// <summary>
/// The provider's Diff for a DeviceSplit of 758 ice-vdcm VDEVs on a simulated spr-qat-e810 host, called over gRPC on
/// the provider's Kestrel host in this process. The inputs are unchanged, so Diff plans the entry against a fresh
/// observation to find drift: the cost a <c>pulumi preview</c> or <c>up</c> pays per DeviceSplit.
/// </summary>
[Config(typeof(Short))]
public class ProviderDiffBenchmarks
{
    private const string Type = "hdiov:index:DeviceSplit";
    private const string Urn = "urn:pulumi:bench::bench::hdiov:index:DeviceSplit::nic";

    private SimulatedHost _host = null!;
    private ProviderHost _provider = null!;
    private GrpcChannel _channel = null!;
    private ResourceProvider.ResourceProviderClient _client = null!;
    private DiffRequest _unchanged = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = BenchmarkHosts.Fresh("pulumi-diff");
        _provider = ProviderHost.StartAsync(new ProviderArguments((string?)null), TextWriter.Null).GetAwaiter().GetResult();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_provider.Port}");
        _client = new ResourceProvider.ResourceProviderClient(_channel);
        var config = new PropertyMap([KeyValuePair.Create("hostRoot", PropertyValue.From(_host.Root)), KeyValuePair.Create("hostName", PropertyValue.From("bench-node"))]);
        _client.Configure(new ConfigureRequest { Args = StructCodec.Encode(config), AcceptSecrets = true, AcceptResources = true });

        var inputs = new PropertyMap(
        [
            KeyValuePair.Create("name", PropertyValue.From("nic")),
            KeyValuePair.Create("select", PropertyValue.From(new PropertyMap([KeyValuePair.Create("pciAddress", PropertyValue.From("0000:16:00.0"))]))),
            KeyValuePair.Create("mode", PropertyValue.From("siov")),
            KeyValuePair.Create("vdevs", PropertyValue.From(new PropertyMap([KeyValuePair.Create("ice-vdcm", PropertyValue.From(758))]))),
        ]);
        var check = _client.Check(new CheckRequest { Urn = Urn, Type = Type, Name = "nic", Olds = new Struct(), News = StructCodec.Encode(inputs) });
        var created = _client.Create(new CreateRequest { Urn = Urn, Type = Type, Name = "nic", Properties = check.Inputs });
        _unchanged = new DiffRequest { Id = created.Id, Urn = Urn, Type = Type, Name = "nic", OldInputs = check.Inputs, Olds = created.Properties, News = check.Inputs };
        if (_client.Diff(_unchanged).Changes != DiffResponse.Types.DiffChanges.DiffNone)
        {
            throw new InvalidOperationException("the converged DeviceSplit still differs from its inputs; the benchmark would measure an update");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _provider.StopAsync().GetAwaiter().GetResult();
        _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchmarkHosts.Delete(_host);
    }

    [Benchmark(Description = "provider Diff, DeviceSplit of 758 ice-vdcm VDEVs, unchanged (drift plan)")]
    public int DiffUnchanged() => (int)_client.Diff(_unchanged).Changes;

    /// <summary>In-process like <see cref="InProcessConfig"/>, with few iterations: each one observes and plans a host of 758 VDEVs.</summary>
    private sealed class Short : ManualConfig
    {
        public Short()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
