using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>
/// A simulated host's own libvirt: a private <c>libvirtd</c> (QEMU driver, session mode) whose socket, definitions and
/// caches lie where a real host keeps them, under the host's root: <c>run/libvirt/libvirt-sock</c>,
/// <c>etc/libvirt/qemu/*.xml</c>, <c>var/cache/libvirt</c>, <c>var/lib/libvirt</c>. Nothing starts it when the host is
/// made: the first connection that needs it does (<see cref="EnsureRunning"/>, through the host's
/// <c>.hdiov-sim/libvirt.json</c>), it exits by itself <see cref="IdleTimeoutSeconds"/> after its last client left, and
/// the next connection starts it again. Its first start defines, shut off, the VMs the profile declares.
/// </summary>
/// <remarks>
/// A daemon per host, not libvirt's embedded driver (<c>qemu:///embed</c>): a process can open only one embedded root,
/// and one process works on many simulated hosts. Run as root, the daemon runs as the user nobody (a root libvirtd is
/// always the system daemon), so every folder above the host's root must be searchable by nobody. The QEMU
/// capabilities libvirt probes on first use (seconds per daemon) are kept in
/// <c>$XDG_CACHE_HOME/hdiov/libvirt-capabilities</c> (else <c>~/.cache/...</c>) of the user running the engine and
/// copied into every new daemon's cache, where libvirt checks them against the QEMU and libvirt binaries and probes
/// again when they no longer match.
/// </remarks>
public sealed class SimulatedLibvirtd
{
    /// <summary>How long the daemon waits without clients before it exits (libvirt's own session autostart uses 120).</summary>
    public const int IdleTimeoutSeconds = 120;

    /// <summary>Written once the first start has defined the profile's VMs; the daemon's definitions live on after it.</summary>
    internal const string StartedMarker = "/.hdiov-sim/libvirtd.started";

    private const string LockPath = "/.hdiov-sim/libvirtd.lock";
    private const string Libvirtd = "/usr/sbin/libvirtd";
    private const string Setpriv = "/usr/bin/setpriv";
    private const uint Nobody = 65534;

    // sun_path holds 108 bytes including the terminating NUL; the admin socket has the longest name.
    private const int MaxSocketPathBytes = 107;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly SimulatedHost _host;

    internal SimulatedLibvirtd(SimulatedHost host) => _host = host;

    /// <summary>
    /// The daemon's socket, as a real host's <c>/run/libvirt/libvirt-sock</c>; under a root too long for a socket path,
    /// reached through <see cref="ShortRunLink"/>.
    /// </summary>
    public string SocketPath => Path.Combine(RuntimeDirectory, "libvirt", "libvirt-sock");

    /// <summary>The daemon's <c>XDG_RUNTIME_DIR</c>: the host's <c>run</c> folder, or the short link to it.</summary>
    private string RuntimeDirectory => FitsSocketPath(Physical("run")) ? Physical("run") : ShortRunLink;

    /// <summary>
    /// <c>/tmp/hdiov-libvirt-&lt;hash of the root&gt;</c>, a symbolic link to the host's <c>run</c> folder: a unix socket
    /// path is limited in length, not the path it resolves to, so the socket still lives under the root.
    /// </summary>
    private string ShortRunLink => "/tmp/hdiov-libvirt-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_host.Root)))[..16];

    /// <summary>The URI that reaches the daemon (its QEMU driver).</summary>
    public string Uri => $"qemu+unix:///session?socket={SocketPath}";

    /// <summary>Whether the daemon has ever started (and defined the profile's VMs); until then it has no other domains.</summary>
    public bool HasStarted => _host.Exists(StartedMarker);

    /// <summary>Whether a daemon answers on <see cref="SocketPath"/> now.</summary>
    public bool IsRunning => Accepts(SocketPath);

    /// <summary>Starts the daemon unless it answers already, and on its first start defines the profile's VMs.</summary>
    /// <returns><see cref="Uri"/>.</returns>
    /// <exception cref="HdIovException">libvirtd is not installed (HDIOV2020, a warning) or did not start (HDIOV3008).</exception>
    public string EnsureRunning()
    {
        if (IsRunning && HasStarted)
        {
            return Uri;
        }

        using (_host.Lock(LockPath, StartTimeout))
        {
            if (!IsRunning)
            {
                Start();
            }

            if (!HasStarted)
            {
                DefineProfileVirtualMachines();
                File.WriteAllText(Physical(StartedMarker.TrimStart('/')), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) + "\n");
                KeepCapabilities();
            }
        }

        return Uri;
    }

    /// <summary>Stops the daemon if it runs (as a reboot does) and clears its run folder; its definitions stay.</summary>
    public void Stop()
    {
        var runFolder = Physical("run", "libvirt");
        if (!Directory.Exists(runFolder))
        {
            return;
        }

        using (_host.Lock(LockPath, StartTimeout))
        {
            if (DaemonProcess() is { } pid)
            {
                KeepCapabilities();
                using (var daemon = Process.GetProcessById(pid))
                {
                    daemon.Kill();
                }

                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(20);
                }
            }

            Directory.Delete(runFolder, recursive: true);
            if (IsOurLink(ShortRunLink))
            {
                File.Delete(ShortRunLink);
            }
        }
    }

    private static bool RunsAsRoot => Libc.Geteuid() == 0;

    private void Start()
    {
        if (!File.Exists(Libvirtd))
        {
            // As a host with no libvirt mapped: its VMs are not read or changed (a warning), its devices still converge.
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.LibvirtUnavailable,
                DiagnosticSeverity.Warning,
                $"{Libvirtd} is not installed on this machine, so the simulated host has no libvirt to start and its VMs are not read or changed",
                "install the Debian packages libvirt-daemon and libvirt-daemon-driver-qemu (apt-get install libvirt-daemon libvirt-daemon-driver-qemu)"));
        }

        PrepareFolders();
        if (RuntimeDirectory == ShortRunLink)
        {
            LinkRunFolder();
        }

        SeedCapabilities();
        var start = new ProcessStartInfo(RunsAsRoot ? Setpriv : Libvirtd)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (RunsAsRoot)
        {
            foreach (var argument in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", Libvirtd })
            {
                start.ArgumentList.Add(argument);
            }
        }

        // --daemon: the started process returns once the daemon listens; the daemon itself has /dev/null as its output.
        foreach (var argument in new[] { "--daemon", "--timeout", IdleTimeoutSeconds.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = Physical("var", "lib", "libvirt");
        start.Environment["XDG_RUNTIME_DIR"] = RuntimeDirectory;
        start.Environment["XDG_CONFIG_HOME"] = Physical("etc");
        start.Environment["XDG_CACHE_HOME"] = Physical("var", "cache");
        start.Environment["XDG_DATA_HOME"] = Physical("var", "lib");

        using var starter = Process.Start(start) ?? throw Failure($"{start.FileName} could not be started", "check that it is installed and executable");
        var output = starter.StandardOutput.ReadToEndAsync();
        var error = starter.StandardError.ReadToEndAsync();
        if (!starter.WaitForExit(StartTimeout))
        {
            starter.Kill(entireProcessTree: true);
            throw Failure($"libvirtd for the simulated host {_host.Root} did not start within {StartTimeout.TotalSeconds:0} s", "try again when the machine is less busy");
        }

        var said = (output.Result + error.Result).Trim();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (starter.ExitCode == 0 && !Accepts(SocketPath) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        if (starter.ExitCode != 0 || !Accepts(SocketPath))
        {
            var log = Physical("var", "cache", "libvirt", "libvirtd.log");
            throw Failure(
                $"libvirtd for the simulated host {_host.Root} did not start (exit code {starter.ExitCode}){(said.Length > 0 ? ": " + said : string.Empty)}",
                RunsAsRoot
                    ? $"it runs as the user nobody: every folder above {_host.Root} must be searchable by nobody (chmod o+x); its log is {log}"
                    : $"see its log {log}");
        }
    }

    private void DefineProfileVirtualMachines()
    {
        using var connection = LibvirtConnection.Open(Uri);
        foreach (var machine in _host.Profile.Data.VirtualMachines ?? [])
        {
            using var defined = connection.LookupDomain(machine.Name);
            if (defined is null)
            {
                connection.DefineDomain(DomainXml(machine));
            }
        }
    }

    /// <summary>A minimal QEMU domain; libvirt fills in the emulator and the devices every machine has.</summary>
    internal static string DomainXml(VirtualMachineData machine) => $"""
        <domain type='qemu'>
          <name>{SecurityElement.Escape(machine.Name)}</name>
          <memory unit='MiB'>{machine.MemoryMiB.ToString(CultureInfo.InvariantCulture)}</memory>
          <vcpu>{machine.Vcpus.ToString(CultureInfo.InvariantCulture)}</vcpu>
          <os>
            <type arch='x86_64' machine='{SecurityElement.Escape(machine.Machine)}'>hvm</type>
          </os>
        </domain>
        """;

    /// <summary>Whether the longest socket the daemon makes in <paramref name="runtimeDirectory"/> fits a unix socket path.</summary>
    private static bool FitsSocketPath(string runtimeDirectory) =>
        Encoding.UTF8.GetByteCount(Path.Combine(runtimeDirectory, "libvirt", "libvirt-admin-sock")) <= MaxSocketPathBytes;

    /// <summary>Makes <see cref="ShortRunLink"/>; one that exists must already be a link to this host's run folder.</summary>
    private void LinkRunFolder()
    {
        if (IsOurLink(ShortRunLink))
        {
            return;
        }

        try
        {
            File.CreateSymbolicLink(ShortRunLink, Physical("run"));
        }
        catch (IOException) when (IsOurLink(ShortRunLink))
        {
            // Another process made the same link first.
        }
        catch (IOException taken)
        {
            throw Failure(
                $"the simulated host's root is too long for a unix socket path, and {ShortRunLink}, the short link to its run folder, cannot be made: {taken.Message}",
                $"remove {ShortRunLink} if nothing uses it, or create the simulated host in a folder whose path has at most {MaxSocketPathBytes - 31} characters");
        }
    }

    private bool IsOurLink(string path) =>
        new FileInfo(path).LinkTarget is { } target && target == Physical("run");

    /// <summary>The folders the daemon writes, owned by the user it runs as; the folders above them stay the host's.</summary>
    private void PrepareFolders()
    {
        foreach (var folder in new[] { Physical("run"), Physical("etc"), Physical("var", "cache"), Physical("var", "lib") })
        {
            Directory.CreateDirectory(folder);
        }

        foreach (var folder in new[] { Physical("run", "libvirt"), Physical("etc", "libvirt"), Physical("var", "cache", "libvirt"), Physical("var", "lib", "libvirt") })
        {
            Directory.CreateDirectory(folder);
            GiveToDaemon(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string HostCapabilities => Physical("var", "cache", "libvirt", "qemu", "cache", "capabilities");

    private static string SharedCapabilities
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } configured && Path.IsPathRooted(configured)
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "hdiov", "libvirt-capabilities");
        }
    }

    /// <summary>Copies the QEMU capabilities other daemons probed into this daemon's cache (where libvirt checks them).</summary>
    private void SeedCapabilities()
    {
        if (!Directory.Exists(SharedCapabilities))
        {
            return;
        }

        var target = HostCapabilities;
        foreach (var folder in new[] { Physical("var", "cache", "libvirt", "qemu"), Physical("var", "cache", "libvirt", "qemu", "cache"), target })
        {
            Directory.CreateDirectory(folder);
            GiveToDaemon(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var file in Directory.EnumerateFiles(SharedCapabilities, "*.xml"))
        {
            var copy = Path.Combine(target, Path.GetFileName(file));
            if (!File.Exists(copy))
            {
                File.Copy(file, copy);
                GiveToDaemon(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    /// <summary>Keeps the capabilities this daemon probed for the next ones (written whole, then renamed into place).</summary>
    private void KeepCapabilities()
    {
        if (!Directory.Exists(HostCapabilities))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(SharedCapabilities);
            foreach (var file in Directory.EnumerateFiles(HostCapabilities, "*.xml"))
            {
                var kept = Path.Combine(SharedCapabilities, Path.GetFileName(file));
                var bytes = File.ReadAllBytes(file);
                if (File.Exists(kept) && File.ReadAllBytes(kept).AsSpan().SequenceEqual(bytes))
                {
                    continue;
                }

                var partial = kept + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
                File.WriteAllBytes(partial, bytes);
                File.Move(partial, kept, overwrite: true);
            }
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            // Only a cache: the next daemon probes QEMU itself.
        }
    }

    private static void GiveToDaemon(string path, UnixFileMode mode)
    {
        if (!RunsAsRoot)
        {
            return;
        }

        if (Libc.Chown(path, Nobody, Nobody) != 0)
        {
            throw Failure($"{path} could not be given to the user nobody (errno {Marshal.GetLastPInvokeError()})", "check that the simulated host's folder is on a file system that keeps owners");
        }

        File.SetUnixFileMode(path, mode);
    }

    /// <summary>The pid of the daemon serving this host, from its pid file, when that process is this host's libvirtd.</summary>
    private int? DaemonProcess()
    {
        var pidFile = Physical("run", "libvirt", "libvirtd.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            var command = File.ReadAllText($"/proc/{pid}/cmdline");
            var environment = File.ReadAllText($"/proc/{pid}/environ");
            return command.Contains("libvirtd", StringComparison.Ordinal)
                && environment.Split('\0').Contains("XDG_RUNTIME_DIR=" + RuntimeDirectory, StringComparer.Ordinal)
                ? pid
                : null;
        }
        catch (Exception gone) when (gone is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool Accepts(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string Physical(params string[] parts) => Path.Combine([_host.Root, .. parts]);

    private static HdIovException Failure(string message, string fix) =>
        new(new Diagnostic(DiagnosticCodes.LibvirtFailed, DiagnosticSeverity.Error, message, fix));
}
