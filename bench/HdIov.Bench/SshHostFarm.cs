using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace HdIov.Bench;

/// <summary>
/// Simulated hosts behind real OpenSSH servers on loopback, one <c>sshd -D</c> per host on 127.0.0.N with its own host
/// key, keys only, and the <c>powershell</c> subsystem running the pinned pwsh with the laid-out module on its
/// <c>PSModulePath</c> and the host's root in <c>HDIOV_HOST_ROOT</c>: what an ssh fleet rollout talks to. Disposing
/// stops every server.
/// </summary>
internal sealed class SshHostFarm : IDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly List<Process> _servers = [];

    public SshHostFarm(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory("/run/sshd");
        ClientKey = NewKey(Path.Combine(directory, "client_ed25519"));
        File.Copy(ClientKey + ".pub", AuthorizedKeys, overwrite: true);
        var modules = System.IO.Directory.CreateDirectory(Path.Combine(directory, "modules")).FullName;
        File.CreateSymbolicLink(Path.Combine(modules, "HdIov"), Path.GetDirectoryName(Path.GetDirectoryName(BenchLayout.ModuleManifest)!)!);
        ModulePath = modules;
        Launcher = Path.Combine(directory, "pwsh");
        File.WriteAllText(Launcher, $"#!/bin/sh\nexec '{BenchLayout.DotnetHost}' '{BenchLayout.PwshAssembly}' \"$@\"\n");
        File.SetUnixFileMode(Launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Directory { get; }

    public string ClientKey { get; }

    public string AuthorizedKeys => Path.Combine(Directory, "authorized_keys");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    private string ModulePath { get; }

    private string Launcher { get; }

    /// <summary>Starts the server of the <paramref name="index"/>-th host (127.0.0.(2 + index)) for <paramref name="hostRoot"/>; its address and port.</summary>
    public (IPAddress Address, int Port) Start(int index, string hostRoot)
    {
        var address = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.0.{2 + index}"));
        int port;
        using (var probe = new TcpListener(address, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var folder = System.IO.Directory.CreateDirectory(Path.Combine(Directory, $"sshd-{index}")).FullName;
        var hostKey = NewKey(Path.Combine(folder, "ssh_host_ed25519_key"));
        var config = Path.Combine(folder, "sshd_config");
        File.WriteAllText(config, $"""
            ListenAddress {address}
            Port {port}
            HostKey {hostKey}
            PidFile {Path.Combine(folder, "sshd.pid")}
            AuthorizedKeysFile {AuthorizedKeys}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            PermitTTY no
            X11Forwarding no
            AllowTcpForwarding no
            SetEnv HDIOV_HOST_ROOT={hostRoot} PSModulePath={ModulePath}
            Subsystem powershell {Launcher} -sshs -NoLogo -NoProfile
            """);
        File.AppendAllText(KnownHostsFile, string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port} {string.Join(' ', File.ReadAllText(hostKey + ".pub").Split(' ').Take(2))}\n"));
        var start = new ProcessStartInfo(Sshd) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        var server = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start");
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        _servers.Add(server);
        var clock = Stopwatch.StartNew();
        while (!Accepts(address, port))
        {
            if (server.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"sshd for host {index} did not listen on {address}:{port}");
            }

            Thread.Sleep(50);
        }

        return (address, port);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            try
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // It exited on its own.
            }

            server.Dispose();
        }
    }

    private static bool Accepts(IPAddress address, int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string NewKey(string path)
    {
        var start = new ProcessStartInfo("ssh-keygen") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-q", "-t", "ed25519", "-N", string.Empty, "-C", "hdiov-bench", "-f", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ssh-keygen did not start");
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? path : throw new InvalidOperationException($"ssh-keygen exited with {process.ExitCode}: {process.StandardError.ReadToEnd()}");
    }
}

/// <summary>Where the repository's laid-out module and pinned pwsh are, for benchmarks that run the module as users do.</summary>
internal static class BenchLayout
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>out/HdIov/&lt;version&gt;/HdIov.psd1, laid out by <c>build.ps1 -Task Layout</c>.</summary>
    public static string ModuleManifest =>
        System.IO.Directory.Exists(Path.Combine(RepositoryRoot, "out", "HdIov"))
        && System.IO.Directory.GetFiles(Path.Combine(RepositoryRoot, "out", "HdIov"), "HdIov.psd1", SearchOption.AllDirectories).FirstOrDefault() is { } manifest
            ? manifest
            : throw new InvalidOperationException("The module is not laid out. Run: dotnet pwsh ./build.ps1 -Task Layout -Configuration Release");

    /// <summary>pwsh.dll of the PowerShell tool pinned in .config/dotnet-tools.json.</summary>
    public static string PwshAssembly
    {
        get
        {
            using var tools = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, ".config", "dotnet-tools.json")));
            var version = tools.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var folder = Path.Combine(packages, "powershell", version, "tools");
            return System.IO.Directory.Exists(folder)
                && System.IO.Directory.GetFiles(folder, "pwsh.dll", SearchOption.AllDirectories).FirstOrDefault(p => Path.GetFileName(Path.GetDirectoryName(p)) == "unix") is { } pwsh
                    ? pwsh
                    : throw new InvalidOperationException($"The PowerShell tool {version} is not restored under {folder}. Run: dotnet tool restore");
        }
    }

    /// <summary>The dotnet host, by its full path (sshd starts the subsystem without this process's PATH).</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromCli && File.Exists(fromCli)
            ? fromCli
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException("dotnet is not on the PATH");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no HdIov.Iac.sln above {AppContext.BaseDirectory}");
    }
}
