using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Packaging;

/// <summary>
/// The module as users without the sources get it: out/packages/HdIov.&lt;version&gt;.nupkg (build.ps1 -Task Package)
/// in a local PSResourceGet repository, installed with Install-PSResource and imported by name in a fresh pwsh. The
/// pwsh processes see only temporary folders (HOME and XDG_DATA_HOME hold PSResourceGet's repository list and the
/// modules installed for the current user; PSModulePath points there), and the only repository is the local one.
/// </summary>
[Trait("Category", "Package")]
public sealed class ModulePackageTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("hdiov-package-tests-").FullName;

    [Fact]
    public void Install_PSResource_from_a_local_repository_then_Import_Module_by_name_lists_the_compiled_cmdlets()
    {
        var version = RepositoryLayout.ModuleVersion;
        var package = Path.Combine(RepositoryLayout.RepositoryRoot, "out", "packages", $"HdIov.{version}.nupkg");
        Assert.True(File.Exists(package), $"{package} is missing; run: dotnet pwsh ./build.ps1 -Task Package");
        var repository = Directory.CreateDirectory(Path.Combine(_scratch, "repository")).FullName;
        File.Copy(package, Path.Combine(repository, Path.GetFileName(package)));
        var data = Directory.CreateDirectory(Path.Combine(_scratch, "home", ".local", "share")).FullName;
        var modules = Path.Combine(data, "powershell", "Modules");
        var environment = new Dictionary<string, string>
        {
            // PSResourceGet installs CurrentUser modules under $HOME/.local/share/powershell/Modules, whatever XDG says.
            ["HOME"] = Directory.CreateDirectory(Path.Combine(_scratch, "home")).FullName,
            ["XDG_DATA_HOME"] = data,
            ["XDG_CONFIG_HOME"] = Directory.CreateDirectory(Path.Combine(_scratch, "config")).FullName,
            ["XDG_CACHE_HOME"] = Directory.CreateDirectory(Path.Combine(_scratch, "cache")).FullName,
            ["PSModulePath"] = modules,
        };

        var install = FreshPwsh.Run(
            $"""
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            Register-PSResourceRepository -Name local -Uri '{repository}' -Trusted
            Get-PSResourceRepository | Where-Object Name -ne local | Unregister-PSResourceRepository
            Install-PSResource -Name HdIov -Repository local -Scope CurrentUser -TrustRepository -Quiet
            (Get-InstalledPSResource -Name HdIov).InstalledLocation
            """,
            environment);
        Assert.True(install.ExitCode == 0, $"install failed ({install.ExitCode}):{Environment.NewLine}{install.Output}{install.Errors}");
        Assert.True(File.Exists(Path.Combine(modules, "HdIov", version, "HdIov.psd1")), $"no manifest under {modules}: {install.Output}");

        var import = FreshPwsh.Run(
            """
            $ErrorActionPreference = 'Stop'
            Import-Module HdIov
            'BASE ' + (Get-Module HdIov).ModuleBase
            Get-Command -Module HdIov -CommandType Cmdlet | ForEach-Object { 'CMDLET ' + $_.Name }
            'PROFILES ' + @(Get-HdIovSimulatedHostProfile).Count
            """,
            environment);
        Assert.True(import.ExitCode == 0, $"import failed ({import.ExitCode}):{Environment.NewLine}{import.Output}{import.Errors}");
        var lines = import.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains($"BASE {Path.Combine(modules, "HdIov", version)}", lines);
        var cmdlets = lines.Where(l => l.StartsWith("CMDLET ", StringComparison.Ordinal)).Select(l => l["CMDLET ".Length..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(DeclaredCmdlets(), cmdlets);
        Assert.DoesNotContain("PROFILES 0", lines);
    }

    [Fact]
    public void The_package_carries_what_the_Gallery_shows()
    {
        var version = RepositoryLayout.ModuleVersion;
        var package = Path.Combine(RepositoryLayout.RepositoryRoot, "out", "packages", $"HdIov.{version}.nupkg");
        Assert.True(File.Exists(package), $"{package} is missing; run: dotnet pwsh ./build.ps1 -Task Package");
        using var archive = System.IO.Compression.ZipFile.OpenRead(package);
        var nuspecEntry = Assert.Single(archive.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspecEntry.Open();
        var metadata = System.Xml.Linq.XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;

        Assert.Equal("HdIov", Field("id"));
        Assert.Equal(version, Field("version"));
        Assert.Contains("HD-IOV", Field("description"), StringComparison.Ordinal);
        Assert.StartsWith("https://", Field("projectUrl"), StringComparison.Ordinal);
        Assert.StartsWith("https://", Field("licenseUrl"), StringComparison.Ordinal);
        Assert.NotEmpty(Field("releaseNotes"));
        var tags = Field("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("HD-IOV", tags);
        Assert.Contains("PSModule", tags);
        Assert.Contains("PSEdition_Core", tags);
        var manifest = archive.Entries.Single(e => e.FullName == "HdIov.psd1");
        using var reader = new StreamReader(manifest.Open());
        var text = reader.ReadToEnd();
        Assert.Contains("PowerShellVersion    = '7.6'", text, StringComparison.Ordinal);
        Assert.Contains("CompatiblePSEditions = @('Core')", text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>CmdletsToExport of the laid-out manifest (the Layout task checks it against the compiled cmdlets).</summary>
    private static List<string> DeclaredCmdlets()
    {
        using var shell = new InProcessPowerShell();
        return shell.Invoke("param($Manifest) (Import-PowerShellDataFile $Manifest).CmdletsToExport", new Dictionary<string, object?> { ["Manifest"] = RepositoryLayout.ModuleManifest })
            .Select(o => (string)o.BaseObject).Order(StringComparer.Ordinal).ToList();
    }
}
