using BenchmarkDotNet.Attributes;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>Pure planning of about 1,000 VDEVs, and observing a host that has them.</summary>
[Config(typeof(InProcessConfig))]
public class PlanBenchmarks
{
    private SimulatedHost _freshHost = null!;
    private SimulatedHost _convergedHost = null!;
    private HostState _fresh = null!;
    private HostState _converged = null!;

    [GlobalSetup]
    public void Setup()
    {
        _freshHost = BenchmarkHosts.Fresh("plan-fresh");
        _fresh = new HostObserver(_freshHost).Observe();
        _convergedHost = BenchmarkHosts.Fresh("plan-converged");
        new HdIov.Engine.Execution.Executor(_convergedHost).Apply(Planner.Plan(BenchmarkHosts.ThousandVdevs, new HostObserver(_convergedHost).Observe()));
        _converged = new HostObserver(_convergedHost).Observe();
    }

    [GlobalCleanup]
    public void Cleanup() => BenchmarkHosts.Delete(_freshHost, _convergedHost);

    [Benchmark(Description = "plan 1,014 VDEVs on a fresh host")]
    public Plan PlanFromScratch() => Planner.Plan(BenchmarkHosts.ThousandVdevs, _fresh);

    [Benchmark(Description = "plan against a converged host (no-op)")]
    public Plan PlanNoOp() => Planner.Plan(BenchmarkHosts.ThousandVdevs, _converged);
}
