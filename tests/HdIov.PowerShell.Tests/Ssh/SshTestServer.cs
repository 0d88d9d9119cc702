using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HdIov.PowerShell.Tests.Ssh;

/// <summary>
/// One <c>sshd -D -e</c> of a <see cref="SshServerFarm"/>, with its own configuration, host key and pid file. Stopping
/// it kills the listener and every session it started, as a host that goes down drops its connections.
/// </summary>
internal sealed class SshTestServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly SshServerFarm _farm;
    private readonly string _folder;
    private Process? _process;

    public SshTestServer(SshServerFarm farm, string name, IPAddress address, int port, string folder, string hostRoot, string? pwsh, string modulePath)
    {
        _farm = farm;
        Name = name;
        Address = address;
        Port = port;
        _folder = folder;
        HostRoot = hostRoot;
        HostKey = SshServerFarm.NewKey(Path.Combine(folder, "ssh_host_ed25519_key"));
        File.WriteAllText(ConfigFile, Configuration(pwsh, modulePath));
    }

    public string Name { get; }

    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>The simulated host root this server's sessions work on.</summary>
    public string HostRoot { get; }

    public string HostKey { get; }

    public string ConfigFile => Path.Combine(_folder, "sshd_config");

    public string Log => Path.Combine(_folder, "sshd.log");

    public string KnownHostsLine =>
        string.Create(CultureInfo.InvariantCulture, $"[{Address}]:{Port} {string.Join(' ', File.ReadAllText(HostKey + ".pub").Split(' ').Take(2))}");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(SshServerFarm.SshdPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-D", "-e", "-f", ConfigFile })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start");
        var log = File.AppendText(Log);
        log.AutoFlush = true;
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(line.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();

        var clock = Stopwatch.StartNew();
        while (!Accepts())
        {
            if (_process.HasExited || clock.Elapsed > StartTimeout)
            {
                Stop();
                throw new InvalidOperationException($"sshd for {Name} did not listen on {Address}:{Port}: {File.ReadAllText(Log)}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Kills the server and its sessions; nothing listens on its address and port after.</summary>
    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited on its own.
        }

        _process.Dispose();
        _process = null;
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(Address, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string Configuration(string? pwsh, string modulePath) => $"""
        # A test host's server: loopback only, keys only, the powershell subsystem, sessions bound to one host root.
        ListenAddress {Address}
        Port {Port}
        HostKey {HostKey}
        PidFile {Path.Combine(_folder, "sshd.pid")}
        AuthorizedKeysFile {_farm.AuthorizedKeys}
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        UsePAM no
        # The farm's files live in a temporary folder whose parents sshd's ownership checks do not accept.
        StrictModes no
        PermitTTY no
        X11Forwarding no
        AllowTcpForwarding no
        AllowAgentForwarding no
        SetEnv HDIOV_HOST_ROOT={HostRoot} PSModulePath={modulePath}{(pwsh is null ? string.Empty : $" PATH={Path.GetDirectoryName(pwsh)}:/usr/local/bin:/usr/bin:/bin")}
        {(pwsh is null ? "# no PowerShell subsystem" : $"Subsystem powershell {pwsh} -sshs -NoLogo -NoProfile")}
        """;
}
