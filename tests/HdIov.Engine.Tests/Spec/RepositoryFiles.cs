using HdIov.Engine.Simulation;

namespace HdIov.Engine.Tests.Spec;

/// <summary>Files of the repository (examples, schemas), found by walking up from the test's base directory to HdIov.Iac.sln.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string SchemaPath => Path.Combine(Root, "schemas", "hdiov.v1alpha1.schema.json");

    /// <summary>
    /// The example host specs: the YAML files of each profile's folder (<c>examples/&lt;profile&gt;/*.yaml</c>, the
    /// folder named after the simulated profile they converge on); other YAML, such as Pulumi programs, is not a spec.
    /// </summary>
    public static IEnumerable<string> ValidExamples =>
        Directory.EnumerateDirectories(Path.Combine(Root, "examples"))
            .Where(directory => SimulatedHostProfiles.All.Any(p => p.Name == Path.GetFileName(directory)))
            .SelectMany(directory => Directory.EnumerateFiles(directory, "*.yaml"))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> InvalidExamples =>
        Directory.EnumerateFiles(Path.Combine(Root, "examples", "invalid"), "*.yaml").Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"HdIov.Iac.sln not found above {AppContext.BaseDirectory}");
    }
}
