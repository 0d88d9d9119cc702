using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>
/// Where the things these tests drive are: the module laid out by <c>build.ps1 -Task Layout</c>, the Pester suite and
/// the Pester module restored by the Bootstrap task, and the pinned pwsh tool for tests that need a fresh process.
/// </summary>
internal static class RepositoryLayout
{
    /// <summary>The Pester release the suite is written for; build.ps1 restores the same.</summary>
    public const string PesterVersion = "5.7.1";

    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    public static string PesterSuiteDirectory => Path.Combine(RepositoryRoot, "tests", "pester");

    /// <summary>The laid-out manifest out/HdIov/&lt;version&gt;/HdIov.psd1 (the version from Directory.Build.props).</summary>
    public static string ModuleManifest
    {
        get
        {
            var manifest = Path.Combine(RepositoryRoot, "out", "HdIov", ModuleVersion, "HdIov.psd1");
            return File.Exists(manifest)
                ? manifest
                : throw new InvalidOperationException($"The module is not laid out at {manifest}. Run: dotnet pwsh ./build.ps1 -Task Layout");
        }
    }

    public static string ModuleVersion =>
        XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Build.props")).Descendants("VersionPrefix").First().Value.Trim();

    public static string PesterManifest
    {
        get
        {
            var manifest = Path.Combine(NuGetPackageRoot, "pester", PesterVersion, "tools", "Pester.psd1");
            return File.Exists(manifest)
                ? manifest
                : throw new InvalidOperationException($"Pester {PesterVersion} is not restored at {manifest}. Run: dotnet pwsh ./build.ps1 -Task Bootstrap");
        }
    }

    /// <summary>pwsh.dll of the PowerShell tool pinned in .config/dotnet-tools.json, run by the dotnet host.</summary>
    public static string PwshAssembly
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, ".config", "dotnet-tools.json")));
            var version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString();
            var tools = Path.Combine(NuGetPackageRoot, "powershell", version!, "tools");
            // The tool holds a pwsh.dll per platform (any/unix, any/win).
            var pwsh = Directory.Exists(tools)
                ? Directory.GetFiles(tools, "pwsh.dll", SearchOption.AllDirectories)
                    .FirstOrDefault(p => Path.GetFileName(Path.GetDirectoryName(p)) == (OperatingSystem.IsWindows() ? "win" : "unix"))
                : null;
            return pwsh ?? throw new InvalidOperationException($"The PowerShell tool {version} is not restored under {tools}. Run: dotnet tool restore");
        }
    }

    /// <summary>The dotnet host that runs <see cref="PwshAssembly"/>.</summary>
    public static string DotnetHost
    {
        get
        {
            var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
            {
                return fromCli;
            }

            var process = Environment.ProcessPath;
            return process is not null && Path.GetFileName(process).StartsWith("dotnet", StringComparison.Ordinal) ? process : "dotnet";
        }
    }

    private static string NuGetPackageRoot
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return fromEnvironment;
            }

            var fromBuild = typeof(RepositoryLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value;
            return !string.IsNullOrEmpty(fromBuild)
                ? fromBuild
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No HdIov.Iac.sln above {AppContext.BaseDirectory}.");
    }
}
