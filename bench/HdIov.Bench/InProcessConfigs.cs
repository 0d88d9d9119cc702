using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace HdIov.Bench;

/// <summary>
/// Benchmarks run in-process: the default toolchain generates and builds a project by searching the repository,
/// whose simulated-host folders (e.g. the demo's) contain sysfs-style symlink loops.
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>In-process, a few single-shot iterations: each converge needs a fresh simulated host.</summary>
public sealed class InProcessMonitoringConfig : ManualConfig
{
    public InProcessMonitoringConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
