using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>
/// Plan time against the number of VDEVs: the same 28 E810 ports of <c>spr-e810-x14</c> with 36 and with 357
/// <c>ice-vdcm</c> VDEVs each (1,008 and 9,996 VDEVs). Linear planning keeps the ratio near 10.
/// </summary>
[Config(typeof(InProcessConfig))]
public class PlanScalingBenchmarks
{
    private SimulatedHost _host = null!;
    private HostState _fresh = null!;

    [Params(36, 357)]
    public int VdevsPerPort { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = BenchmarkHosts.Fresh("plan-scaling", BenchmarkHosts.E810FleetProfile);
        _fresh = new HostObserver(_host).Observe();
    }

    [GlobalCleanup]
    public void Cleanup() => BenchmarkHosts.Delete(_host);

    [Benchmark(Description = "plan the VDEVs of 28 E810 ports on a fresh host")]
    public Plan PlanFleet() => Planner.Plan(Spec(VdevsPerPort), _fresh);

    private static HostSpec Spec(int perPort) => new(
        "bench-node",
        PlatformSpec.Empty,
        [
            new DeviceSpec(
                "nic",
                new DeviceSelector(Driver: "ice"),
                SplitMode.Siov,
                [],
                new Dictionary<string, int> { ["ice-vdcm"] = perPort }.ToImmutableSortedDictionary(StringComparer.Ordinal),
                null,
                OwnershipPolicy.Keep),
        ],
        []);
}
