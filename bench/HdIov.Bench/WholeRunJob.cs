using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace HdIov.Bench;

/// <summary>
/// The job of the benchmarks whose one invocation is a whole rollout: in process, no warm-up, one invocation per
/// iteration, so each iteration is one run as a pipeline would see it.
/// </summary>
internal static class WholeRunJob
{
    public static Job With(int iterations) =>
        Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1);
}
