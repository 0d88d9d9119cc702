using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>
/// The same 20 simulated <c>mtty-lab</c> hosts rolled out with <c>Invoke-HdIovFleetRollout</c> (the laid-out module,
/// in this process) over the <c>local</c> transport and over <c>ssh</c> (each host behind its own sshd on 127.0.0.N,
/// the module's cmdlets running in a remote pwsh per session), one case each in the same run: waves [1, "50%"],
/// throttle 5, a small spec whose VDEV count alternates per iteration so every host converges. After each iteration
/// it prints the wall time and the mean time per host.
/// </summary>
[Config(typeof(Config))]
public class FleetTransportBenchmarks : IDisposable
{
    private const int HostCount = 20;
    private const int Throttle = 5;
    private string _directory = string.Empty;
    private SshHostFarm? _farm;
    private Runspace? _runspace;
    private int _iteration;
    private List<PSObject> _results = [];
    private TimeSpan _wall;

    [Params("local", "ssh")]
    public string Transport { get; set; } = "local";

    [GlobalSetup]
    public void CreateHosts()
    {
        _directory = Directory.CreateTempSubdirectory("hdiov-bench-transport-").FullName;
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _farm = new SshHostFarm(_directory);
        var lines = new List<string>();
        for (var i = 0; i < HostCount; i++)
        {
            var name = $"h{i:D2}";
            var root = Path.Combine(_directory, name);
            SimulatedHost.Create(root, "mtty-lab");
            var transport = Transport == "ssh"
                ? Ssh(_farm.Start(i, root))
                : $"local: {{ root: ./{name} }}";
            lines.Add($"    - {{ name: {name}, transport: {{ {transport} }} }}");
        }

        File.WriteAllText(Path.Combine(_directory, "fleet.yaml"), $$"""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: bench-{{Transport}} }
            spec:
              hosts:
            {{string.Join("\n", lines)}}
              groups:
                - { name: lab, selector: {}, spec: { path: ./mtty.yaml } }
              strategy:
                waves: [1, "50%"]
                throttle: {{Throttle}}
                maxUnavailable: "100%"
                failureBudget: { perWave: { any: "100%" }, fleet: { any: "100%" } }
                timeouts: { connect: 90s, host: 10m }
            """);
        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        Run("param($Manifest) Import-Module $Manifest -ErrorAction Stop", new() { ["Manifest"] = BenchLayout.ModuleManifest });
    }

    [IterationSetup]
    public void WriteSpec()
    {
        _iteration++;
        MttySpecFile.Write(_directory, (_iteration % 2) + 1);
    }

    [Benchmark(Description = "Invoke-HdIovFleetRollout of 20 simulated hosts, waves [1, 50%], throttle 5")]
    public int Rollout()
    {
        var clock = Stopwatch.StartNew();
        _results = Run(
            "param($Path, $Journal) Invoke-HdIovFleetRollout -Path $Path -JournalPath $Journal -Force -WarningAction SilentlyContinue",
            new() { ["Path"] = Path.Combine(_directory, "fleet.yaml"), ["Journal"] = Path.Combine(_directory, "journal.json") });
        _wall = clock.Elapsed;
        return _results.Count;
    }

    [IterationCleanup]
    public void Report()
    {
        var converged = _results.Count(r => r.Properties["Status"].Value?.ToString() == "Converged");
        var meanHost = _results.Count == 0 ? 0 : _results.Average(r => ((TimeSpan)r.Properties["Duration"].Value).TotalMilliseconds);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// fleet rollout over {Transport}: {converged}/{HostCount} converged; wall {_wall.TotalSeconds:0.00} s; mean host {meanHost:0} ms"));
        if (converged != HostCount)
        {
            throw new InvalidOperationException($"only {converged} of {HostCount} hosts converged over {Transport}: " + string.Join("; ", _results.Select(r => $"{r.Properties["HostName"].Value} {r.Properties["Status"].Value} {r.Properties["Message"].Value}")));
        }
    }

    [GlobalCleanup]
    public void DeleteHosts()
    {
        Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _runspace?.Dispose();
            _runspace = null;
            _farm?.Dispose();
            _farm = null;
        }
    }

    private string Ssh((System.Net.IPAddress Address, int Port) server) =>
        $"ssh: {{ host: {server.Address}, port: {server.Port}, user: {Environment.UserName}, keyFile: '{_farm!.ClientKey}', knownHostsFile: '{_farm.KnownHostsFile}' }}";

    private List<PSObject> Run(string script, Dictionary<string, object?> parameters)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script).AddParameters(parameters);
        var output = shell.Invoke().ToList();
        if (shell.Streams.Error.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", shell.Streams.Error.Select(e => e.ToString())));
        }

        return output;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(WholeRunJob.With(3));
        }
    }
}
