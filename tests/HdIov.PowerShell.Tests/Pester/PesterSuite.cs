using System.Collections.Concurrent;
using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Pester;

/// <summary>
/// The Pester suite in tests/pester, discovered and run in this process. A file runs once, the first time one of its
/// tests is asked for, in a runspace of its own (as Invoke-Pester runs it: its BeforeAll once for all its tests);
/// the tests then read their results. HDIOV_PESTER_TAG and HDIOV_PESTER_EXCLUDETAG (comma-separated, set by
/// build.ps1 from -Tag and -ExcludeTag) filter the run as the xunit Category filter selects the tests.
/// </summary>
internal static class PesterSuite
{
    private static readonly string Script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Pester", "Invoke-PesterFile.ps1"));

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyDictionary<string, PesterTestResult>>> Runs = new(StringComparer.Ordinal);

    /// <summary>The test files, relative to the suite folder.</summary>
    public static IEnumerable<string> Files() =>
        Directory.GetFiles(RepositoryLayout.PesterSuiteDirectory, "*.Tests.ps1")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    /// <summary>The tests of one file as Pester discovers them (its BeforeDiscovery and top-level code run).</summary>
    public static IReadOnlyList<PesterTestResult> Discover(string file) => Invoke(file, discover: true);

    /// <summary>The result of one test, running its file first if this is the first test of the file asked for.</summary>
    public static PesterTestResult Result(string file, string key)
    {
        var results = Runs.GetOrAdd(file, f => new Lazy<IReadOnlyDictionary<string, PesterTestResult>>(
            () => Invoke(f, discover: false).ToDictionary(r => r.Key, StringComparer.Ordinal))).Value;
        if (results.TryGetValue(key, out var result))
        {
            return result;
        }

        var discovery = results.Values.FirstOrDefault(r => r.Key == "(discovery)");
        return discovery ?? new PesterTestResult(key, [], false, "NotRun",
            $"Pester did not run this test (filters HDIOV_PESTER_TAG='{Filter("HDIOV_PESTER_TAG").FirstOrDefault()}', HDIOV_PESTER_EXCLUDETAG='{string.Join(',', Filter("HDIOV_PESTER_EXCLUDETAG"))}'; ran {results.Count})");
    }

    private static List<PesterTestResult> Invoke(string file, bool discover)
    {
        Environment.SetEnvironmentVariable(InProcessPowerShell.PwshVariable, RepositoryLayout.PwshAssembly);
        var modulePath = Path.Combine(RepositoryLayout.RepositoryRoot, "out");
        var searchPath = Environment.GetEnvironmentVariable("PSModulePath") ?? string.Empty;
        if (!searchPath.Split(Path.PathSeparator).Contains(modulePath, StringComparer.Ordinal))
        {
            Environment.SetEnvironmentVariable("PSModulePath", modulePath + Path.PathSeparator + searchPath);
        }

        // Tests name their host root explicitly; a root from the caller's environment must not leak into them.
        Environment.SetEnvironmentVariable("HDIOV_HOST_ROOT", null);

        using var shell = new InProcessPowerShell();
        shell.Invoke("param($Manifest) Import-Module $Manifest -ErrorAction Stop", new Dictionary<string, object?> { ["Manifest"] = RepositoryLayout.PesterManifest });
        using var pipeline = shell.Create(Script, new Dictionary<string, object?>
        {
            ["Path"] = Path.Combine(RepositoryLayout.PesterSuiteDirectory, file),
            ["Discover"] = discover,
            ["Tag"] = Filter("HDIOV_PESTER_TAG"),
            ["ExcludeTag"] = Filter("HDIOV_PESTER_EXCLUDETAG"),
        });
        var output = pipeline.Invoke();
        if (pipeline.Streams.Error.Count > 0 && output.Count == 0)
        {
            return [new PesterTestResult("(discovery)", [], false, "Failed", string.Join(Environment.NewLine, pipeline.Streams.Error.Select(e => e.ToString())))];
        }

        return output.Select(o => new PesterTestResult(
            (string)o.Properties["Key"].Value,
            ((string[]?)o.Properties["Tags"].Value) ?? [],
            (bool)o.Properties["Skip"].Value,
            (string)o.Properties["Result"].Value,
            (string)o.Properties["Message"].Value)).ToList();
    }

    private static string[] Filter(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
