using BenchmarkDotNet.Attributes;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>
/// End to end on a simulated host: observe, plan and apply about 1,000 VDEVs; and the no-op converge that a
/// scheduled drift check runs (observe + plan + apply of the empty plan under the host lock).
/// </summary>
[Config(typeof(InProcessMonitoringConfig))]
public class ConvergeBenchmarks
{
    private SimulatedHost? _host;
    private SimulatedHost? _converged;

    [IterationSetup(Target = nameof(ConvergeThousandVdevs))]
    public void FreshHost() => _host = BenchmarkHosts.Fresh("converge");

    [GlobalSetup(Target = nameof(NoOpConverge))]
    public void ConvergedHost()
    {
        _converged = BenchmarkHosts.Fresh("noop");
        Converge(_converged);
    }

    [GlobalCleanup]
    public void Cleanup() => BenchmarkHosts.Delete(_host, _converged);

    [Benchmark(Description = "observe + plan + apply 1,014 VDEVs")]
    public ApplyResult ConvergeThousandVdevs() => Converge(_host!);

    [Benchmark(Description = "no-op converge of a host with 1,014 VDEVs")]
    public ApplyResult NoOpConverge() => Converge(_converged!);

    private static ApplyResult Converge(SimulatedHost host) =>
        new Executor(host).Apply(Planner.Plan(BenchmarkHosts.ThousandVdevs, new HostObserver(host).Observe()));
}
