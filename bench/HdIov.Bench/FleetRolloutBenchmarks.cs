using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HdIov.Engine.Fleet;
using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>
/// A rollout over the local transport: 500 simulated <c>mtty-lab</c> hosts, waves [1, "10%", "25%"], throttle 10, a
/// small spec (mtty VDEVs whose count alternates between 1 and 2 from one iteration to the next, so every iteration
/// converges every host). After each iteration it prints the wall time against the ideal (per wave, the larger of its
/// slowest host and its hosts' total time divided by the throttle) and the process's peak working set.
/// </summary>
[Config(typeof(Config))]
public class FleetRolloutBenchmarks
{
    // HDIOV_BENCH_FLEET_HOSTS lowers it for a quick check of the benchmark itself; recorded figures use 500.
    private static readonly int HostCount = int.TryParse(Environment.GetEnvironmentVariable("HDIOV_BENCH_FLEET_HOSTS"), CultureInfo.InvariantCulture, out var hosts) && hosts > 0 ? hosts : 500;
    private const int Throttle = 10;
    private string _directory = string.Empty;
    private int _iteration;
    private FleetSpec? _fleet;
    private RolloutSummary? _last;
    private TimeSpan _wall;

    // First-chance exceptions thrown during the measured rollout (dotnet-counters is not available), by type and the
    // method that threw, so the per-host count can be followed to where it comes from.
    private static readonly ConcurrentDictionary<string, int> Exceptions = new(StringComparer.Ordinal);
    private static int _counting;

    static FleetRolloutBenchmarks()
    {
        AppDomain.CurrentDomain.FirstChanceException += (_, thrown) =>
        {
            if (Volatile.Read(ref _counting) == 1)
            {
                Exceptions.AddOrUpdate($"{thrown.Exception.GetType().Name} in {thrown.Exception.TargetSite?.DeclaringType?.Name}.{thrown.Exception.TargetSite?.Name}", 1, (_, n) => n + 1);
            }
        };
    }

    [GlobalSetup]
    public void CreateHosts()
    {
        _directory = Directory.CreateTempSubdirectory("hdiov-bench-fleet-").FullName;
        Exceptions.Clear();
        Volatile.Write(ref _counting, 1);
        for (var i = 0; i < HostCount; i++)
        {
            SimulatedHost.Create(Path.Combine(_directory, Name(i)), "mtty-lab");
        }

        Volatile.Write(ref _counting, 0);
        PrintExceptions("creating the simulated hosts", HostCount);
    }

    [IterationSetup]
    public void WriteFleet()
    {
        _iteration++;
        MttySpecFile.Write(_directory, (_iteration % 2) + 1);
        var hosts = string.Concat(Enumerable.Range(0, HostCount).Select(i => $"    - {{ name: {Name(i)}, transport: {{ local: {{ root: ./{Name(i)} }} }} }}\n"));
        var path = Path.Combine(_directory, "fleet.yaml");
        File.WriteAllText(path, $$"""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: bench }
            spec:
              hosts:
            {{hosts}}
              groups:
                - { name: lab, selector: {}, spec: { path: ./mtty.yaml } }
              strategy:
                waves: [1, "10%", "25%"]
                throttle: {{Throttle}}
                maxUnavailable: "100%"
                failureBudget: { perWave: { any: "100%" }, fleet: { any: "100%" } }
            """);
        var loaded = FleetLoader.LoadFile(path);
        _fleet = loaded.Fleet ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
    }

    [Benchmark(Description = "roll out simulated hosts (500 unless lowered), waves [1, 10%, 25%], throttle 10")]
    public RolloutSummary Rollout()
    {
        Exceptions.Clear();
        Volatile.Write(ref _counting, 1);
        var clock = Stopwatch.StartNew();
        var (hosts, _) = FleetAssignment.Assign(_fleet!);
        _last = new FleetRollout(_fleet!, hosts, h => new LocalFleetTarget(h.Name, ((LocalTransport)h.Transport).Root), new FleetRolloutOptions
        {
            JournalPath = Path.Combine(_directory, "journal.json"),
            JUnitPath = Path.Combine(_directory, "junit.xml"),
        }).Run(CancellationToken.None);
        _wall = clock.Elapsed;
        Volatile.Write(ref _counting, 0);
        return _last;
    }

    [IterationCleanup]
    public void Report()
    {
        if (_last is null)
        {
            return;
        }

        var converged = _last.Count(HostRolloutStatus.Converged);
        var ideal = _last.Hosts
            .GroupBy(h => h.Wave)
            .Sum(w => Math.Max(w.Max(h => h.Duration.TotalSeconds), w.Sum(h => h.Duration.TotalSeconds) / Throttle));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// fleet rollout: {converged}/{_last.Hosts.Length} converged in {_last.Hosts.Max(h => h.Wave)} waves; wall {_wall.TotalSeconds:0.00} s; ideal {ideal:0.00} s; ratio {_wall.TotalSeconds / ideal:0.00}; mean host {_last.Hosts.Average(h => h.Duration.TotalMilliseconds):0} ms; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB"));
        PrintExceptions("the rollout", _last.Hosts.Length);
        if (converged != HostCount)
        {
            throw new InvalidOperationException($"only {converged} of {HostCount} hosts converged: {_last.HaltReason}");
        }
    }

    private static void PrintExceptions(string during, int hosts)
    {
        var thrown = Exceptions.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// exceptions thrown during {during}: {thrown} ({(double)thrown / hosts:0.#} per host)"));
        foreach (var (where, count) in Exceptions.OrderByDescending(e => e.Value).Take(8))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"//   {count,7} {where}"));
        }
    }

    [GlobalCleanup]
    public void DeleteHosts() => Directory.Delete(_directory, recursive: true);

    private static string Name(int i) => $"h{i:D3}";

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(WholeRunJob.With(2));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
