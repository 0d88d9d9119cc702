using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Tests.Testing;

namespace HdIov.Pulumi.Tests.Architecture;

/// <summary>
/// The fronts translate; the engine's session composes. Neither the PowerShell module nor the Pulumi provider may
/// reference the engine's observer, planners, executor or drift analyzer: they go through <c>HostSession</c>. The
/// check reads the compiled assemblies' type references, so comments and names in strings do not count.
/// </summary>
public sealed class FrontEngineReferencesTests
{
    private static readonly HashSet<string> Composers = new(StringComparer.Ordinal)
    {
        "HdIov.Engine.Discovery.HostObserver",
        "HdIov.Engine.Planning.Planner",
        "HdIov.Engine.Planning.ImperativePlanner",
        "HdIov.Engine.Planning.AttachmentRequestPlanner",
        "HdIov.Engine.Execution.Executor",
        "HdIov.Engine.Drift.DriftAnalyzer",
    };

    [Fact]
    public void The_provider_references_no_engine_composer()
    {
        Assert.Empty(ComposersReferencedBy(Built("HdIov.Pulumi", typeof(ProviderHost).Assembly.GetName().Name + ".dll")));
    }

    [Fact]
    public void The_module_references_no_engine_composer()
    {
        Assert.Empty(ComposersReferencedBy(Built("HdIov.PowerShell", "HdIov.PowerShell.dll")));
    }

    [Fact]
    public void The_check_finds_a_composer_where_one_is_used()
    {
        // This test assembly drives the engine directly, so the scan must report it.
        Assert.Contains("HdIov.Engine.Discovery.HostObserver", ComposersReferencedBy(typeof(FrontEngineReferencesTests).Assembly.Location));
    }

    /// <summary>The folder under artifacts/bin/&lt;project&gt;/ this test assembly was built into (debug, release).</summary>
    private static string ConfigurationFolder => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    /// <summary>A front's assembly where its own project builds it (artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/).</summary>
    private static string Built(string project, string fileName)
    {
        var path = Path.Combine(RepositoryPaths.Root, "artifacts", "bin", project, ConfigurationFolder, fileName);
        Assert.True(File.Exists(path), $"{path} is missing: build HdIov.Iac.sln first");
        return path;
    }

    private static List<string> ComposersReferencedBy(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeReferences)
        {
            var reference = reader.GetTypeReference(handle);
            var name = $"{reader.GetString(reference.Namespace)}.{reader.GetString(reference.Name)}";
            if (Composers.Contains(name))
            {
                found.Add(name);
            }
        }

        return [.. found];
    }
}
