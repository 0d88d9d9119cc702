using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Ssh;

/// <summary>
/// Real OpenSSH servers on loopback, one per test host: each its own <c>sshd -D</c> (not the system service) on
/// 127.0.0.N with host keys made here, keys only, and the <c>powershell</c> subsystem running the pinned pwsh. Each
/// server's sessions are bound to one simulated host root by its own configuration (<c>SetEnv HDIOV_HOST_ROOT</c>), and
/// find the module on their <c>PSModulePath</c>, installed from its package as a host installs it (<see cref="InstallModule"/>). The farm's client key is the one every server
/// authorizes; <see cref="KnownHostsFile"/> lists every server's host key. Disposing stops every server and removes the
/// farm's folder, whatever the test did. The same pwsh is first on the sessions' PATH, for clients that run
/// <c>pwsh</c> as a command (the Pulumi provider's connection). The Pulumi provider's tests compile these files too.
/// </summary>
internal sealed class SshServerFarm : IDisposable
{
    public const string SshdPath = "/usr/sbin/sshd";

    private readonly List<SshTestServer> _servers = [];

    public SshServerFarm()
    {
        if (!File.Exists(SshdPath))
        {
            throw new InvalidOperationException($"{SshdPath} is missing: install the openssh-server package (build.ps1 -Task Bootstrap)");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("hdiov-ssh-farm-").FullName;
        File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // sshd's privilege-separation folder, which the openssh-server service would make at its start.
        System.IO.Directory.CreateDirectory("/run/sshd");

        ClientKey = NewKey(Path.Combine(Directory, "client_ed25519"));
        File.Copy(ClientKey + ".pub", AuthorizedKeys);
        Launcher = WritePwshLauncher(Path.Combine(Directory, "bin", "pwsh"));

        ModulePath = InstallModule();
    }

    public string Directory { get; }

    /// <summary>The private key every server of the farm authorizes.</summary>
    public string ClientKey { get; }

    public string AuthorizedKeys => Path.Combine(Directory, "authorized_keys");

    /// <summary>Every server's host key, as <c>[address]:port</c> lines.</summary>
    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public string Launcher { get; }

    /// <summary>The folder the servers' sessions find HdIov in (their <c>PSModulePath</c>).</summary>
    public string ModulePath { get; }

    /// <summary>Where the module in <see cref="ModulePath"/> came from: the package, or the laid-out folder.</summary>
    public string ModuleSource { get; private set; } = string.Empty;

    public IReadOnlyList<SshTestServer> Servers => _servers;

    /// <summary>A new ed25519 key pair without a passphrase; the private key's path.</summary>
    public static string NewKey(string path)
    {
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "hdiov-tests", "-f", path);
        return path;
    }

    /// <summary>
    /// Starts a server on 127.0.0.(2 + its index) bound to <paramref name="hostRoot"/>, and adds its key to
    /// <see cref="KnownHostsFile"/>. A server without <paramref name="powershell"/> has no PowerShell subsystem; one
    /// without <paramref name="module"/> gives its sessions a module path without HdIov.
    /// </summary>
    public SshTestServer Start(string name, string hostRoot, bool powershell = true, bool module = true)
    {
        var address = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.0.{2 + _servers.Count}"));
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(Directory, name)).FullName;
        var modulePath = module ? ModulePath : System.IO.Directory.CreateDirectory(Path.Combine(folder, "no-modules")).FullName;
        var server = new SshTestServer(this, name, address, FreePort(address), folder, hostRoot, powershell ? Launcher : null, modulePath);
        _servers.Add(server);
        File.AppendAllText(KnownHostsFile, server.KnownHostsLine + "\n");
        server.Start();
        return server;
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Stop();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; its servers are stopped.
        }
    }

    internal static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {errors.Result}");
        }
    }

    /// <summary>
    /// The module as a host gets it: out/packages/HdIov.&lt;version&gt;.nupkg (build.ps1 -Task Package, which the Test task
    /// runs) installed with Install-PSResource from a local repository by a pwsh whose HOME is the farm's, so nothing
    /// lands in this machine's own module folders. A package older than the laid-out module (a build since the last
    /// Package task) would hide the change under test: then the laid-out module is linked instead.
    /// </summary>
    private string InstallModule()
    {
        var version = RepositoryLayout.ModuleVersion;
        var laidOut = Path.GetDirectoryName(RepositoryLayout.ModuleManifest)!;
        var package = Path.Combine(RepositoryLayout.RepositoryRoot, "out", "packages", $"HdIov.{version}.nupkg");
        var newestLaidOut = System.IO.Directory.EnumerateFiles(laidOut, "*.dll", SearchOption.AllDirectories).Max(File.GetLastWriteTimeUtc);
        if (!File.Exists(package) || File.GetLastWriteTimeUtc(package) < newestLaidOut)
        {
            var linked = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "modules")).FullName;
            File.CreateSymbolicLink(Path.Combine(linked, "HdIov"), Path.GetDirectoryName(laidOut)!);
            ModuleSource = laidOut;
            return linked;
        }

        var repository = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "repository")).FullName;
        File.Copy(package, Path.Combine(repository, Path.GetFileName(package)));
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "home")).FullName;
        var data = System.IO.Directory.CreateDirectory(Path.Combine(home, ".local", "share")).FullName;
        var modules = Path.Combine(data, "powershell", "Modules");
        var install = FreshPwsh.Run(
            $"""
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            Register-PSResourceRepository -Name local -Uri '{repository}' -Trusted
            Get-PSResourceRepository | Where-Object Name -ne local | Unregister-PSResourceRepository
            Install-PSResource -Name HdIov -Repository local -Scope CurrentUser -TrustRepository -Quiet
            """,
            new Dictionary<string, string>
            {
                // PSResourceGet installs CurrentUser modules under $HOME/.local/share/powershell/Modules, whatever XDG says.
                ["HOME"] = home,
                ["XDG_DATA_HOME"] = data,
                ["XDG_CONFIG_HOME"] = System.IO.Directory.CreateDirectory(Path.Combine(home, ".config")).FullName,
                ["XDG_CACHE_HOME"] = System.IO.Directory.CreateDirectory(Path.Combine(home, ".cache")).FullName,
                ["PSModulePath"] = modules,
            });
        if (install.ExitCode != 0 || !File.Exists(Path.Combine(modules, "HdIov", version, "HdIov.psd1")))
        {
            throw new InvalidOperationException($"Install-PSResource of {package} failed ({install.ExitCode}): {install.Output}{install.Errors}");
        }

        ModuleSource = package;
        return modules;
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The pinned pwsh (a dotnet tool's pwsh.dll) as an executable, which sshd's Subsystem line needs.</summary>
    private static string WritePwshLauncher(string path)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"#!/bin/sh\nexec {Quote(RepositoryLayout.DotnetHost)} {Quote(RepositoryLayout.PwshAssembly)} \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
