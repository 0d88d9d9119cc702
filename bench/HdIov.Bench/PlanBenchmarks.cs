using BenchmarkDotNet.Attributes;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Bench;

/// <summary>Pure planning of about 1,000 VDEVs, and observing a host that has them.</summary>
[MemoryDiagnoser]
public class PlanBenchmarks
{
    private HostState _fresh = null!;
    private HostState _converged = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fresh = BenchmarkHosts.Fresh("plan-fresh");
        _fresh = new HostObserver(fresh).Observe();
        var converged = BenchmarkHosts.Fresh("plan-converged");
        new HdIov.Engine.Execution.Executor(converged).Apply(Planner.Plan(BenchmarkHosts.ThousandVdevs, new HostObserver(converged).Observe()));
        _converged = new HostObserver(converged).Observe();
    }

    [Benchmark(Description = "plan 1,014 VDEVs on a fresh host")]
    public Plan PlanFromScratch() => Planner.Plan(BenchmarkHosts.ThousandVdevs, _fresh);

    [Benchmark(Description = "plan against a converged host (no-op)")]
    public Plan PlanNoOp() => Planner.Plan(BenchmarkHosts.ThousandVdevs, _converged);
}
