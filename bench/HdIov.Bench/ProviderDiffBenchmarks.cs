using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HdIov.Engine.Simulation;
using HdIov.Pulumi.Rpc;

namespace HdIov.Bench;

/// <summary>
/// The provider's Diff for a DeviceSplit of 758 ice-vdcm VDEVs on a simulated spr-qat-e810 host, called over gRPC on
/// the provider's Kestrel host in this process. The inputs are unchanged, so Diff plans the entry against a fresh
/// observation of what it selects to find drift: the cost a <c>pulumi preview</c> or <c>up</c> pays per DeviceSplit.
/// </summary>
[Config(typeof(Short))]
public class ProviderDiffBenchmarks
{
    private SimulatedHost _host = null!;
    private BenchProvider _provider = null!;
    private DiffRequest _unchanged = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = BenchmarkHosts.Fresh("pulumi-diff");
        _provider = new BenchProvider(_host.Root);
        _unchanged = _provider.CreateSplit("nic", "0000:16:00.0", "ice-vdcm", 758);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Stop();
        BenchmarkHosts.Delete(_host);
    }

    [Benchmark(Description = "provider Diff, DeviceSplit of 758 ice-vdcm VDEVs, unchanged (drift plan)")]
    public int DiffUnchanged() => (int)_provider.Diff(_unchanged);

    /// <summary>In-process like <see cref="InProcessConfig"/>, with few iterations: each one observes and plans a host of 758 VDEVs.</summary>
    internal sealed class Short : ManualConfig
    {
        public Short()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
