using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>
/// Where a DeviceSplit Diff's time goes, phase by phase, on the host of <see cref="ProviderDiffBenchmarks"/> (758
/// ice-vdcm VDEVs on 0000:16:00.0 plus 16 asym and 16 dc on each QAT PF): observing the whole host, observing only
/// what the entry selects, the state fingerprint, and the scoped plan.
/// </summary>
[Config(typeof(ProviderDiffBenchmarks.Short))]
public class DiffPhaseBenchmarks
{
    private static readonly HostSpec Nic = new(
        "bench-node",
        PlatformSpec.Empty,
        [
            new DeviceSpec(
                "nic",
                new DeviceSelector(PciAddress: PciAddress.Parse("0000:16:00.0")),
                SplitMode.Siov,
                [],
                new Dictionary<string, int> { ["ice-vdcm"] = 758 }.ToImmutableSortedDictionary(StringComparer.Ordinal),
                null,
                OwnershipPolicy.Keep),
        ],
        []);

    private static readonly PlanScope NicScope = PlanScope.Of(["nic"], []);

    private SimulatedHost _host = null!;
    private HostState _whole = null!;
    private HostState _scoped = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = BenchmarkHosts.Fresh("diff-phases");
        using var session = new HostSession(_host);
        session.Converge(BenchmarkHosts.ThousandVdevs);
        _whole = session.Observe();
        _scoped = session.Observe(Nic, NicScope);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        BenchmarkHosts.Delete(_host);
    }

    [Benchmark(Description = "observe the whole host (1,014 VDEVs)")]
    public HostState ObserveWholeHost()
    {
        using var session = new HostSession(_host);
        return session.Observe();
    }

    [Benchmark(Description = "observe what the 758-VDEV entry selects")]
    public HostState ObserveScoped()
    {
        using var session = new HostSession(_host);
        return session.Observe(Nic, NicScope);
    }

    [Benchmark(Description = "fingerprint of the whole host's state")]
    public string FingerprintWholeHost() => StateFingerprint.Compute(_whole);

    [Benchmark(Description = "plan the 758-VDEV entry on its scoped state")]
    public Plan PlanScoped() => HostSession.Plan(Nic, _scoped, NicScope);
}
