using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdIov.Engine.Fleet;
using HdIov.Engine.Session;
using HdIov.Pulumi.Configuration;

namespace HdIov.Pulumi.Transport;

/// <summary>
/// The engine on a host reached with the OpenSSH client: each request is one <c>ssh</c> run of
/// <see cref="RemoteScript"/> in the host's pwsh, with the request on standard input and the reply on standard output.
/// The connection is strict: no prompt (<c>BatchMode</c>), only the configured private key, and only the configured
/// host key (a known-hosts file of that one line; no other known-hosts file and no user ssh configuration are read),
/// with a connect timeout and keep-alives. The key and the known-hosts line live in a folder only this user can read,
/// for the length of one run. Every failure to reach the host is a <see cref="HostUnreachableException"/> that names
/// the host, says what ssh said and how to fix it, with the fleet's code for an unreachable host (HDIOV5009); the
/// private key is in none of them.
/// </summary>
internal sealed class SshHostEngine(string hostName, SshConnection connection) : IHostEngine
{
    private const int SshFailure = 255;
    private const int CommandNotFound = 127;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public string GateKey => "ssh://" + connection.Destination;

    public SessionReply Run(SessionRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var folder = Directory.CreateTempSubdirectory("hdiov-ssh-");
        try
        {
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var key = Path.Combine(folder.FullName, "id");
            var knownHosts = Path.Combine(folder.FullName, "known_hosts");
            WritePrivate(key, connection.PrivateKey.ReplaceLineEndings("\n").TrimEnd('\n') + "\n");
            WritePrivate(knownHosts, connection.KnownHostsLine + "\n");
            var (exitCode, output, errors) = Ssh(key, knownHosts, SessionWire.Write(request), cancellationToken);
            return Reply(exitCode, output, errors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private SessionReply Reply(int exitCode, string output, string errors)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var said = string.Join("; ", errors.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (lines.FirstOrDefault(l => l.StartsWith(RemoteScript.ReplyMarker, StringComparison.Ordinal)) is { } replyLine)
        {
            var reply = SessionWire.ReadReply(replyLine[RemoteScript.ReplyMarker.Length..]);
            return reply.Failure is { } failure ? throw failure.ToException() : reply;
        }

        if (lines.FirstOrDefault(l => l.StartsWith(RemoteScript.NoModuleMarker, StringComparison.Ordinal)) is { } noModule)
        {
            throw Unreachable(
                $"the HdIov module could not be imported there ({noModule[RemoteScript.NoModuleMarker.Length..]})",
                "install the module from its package on the host (Install-PSResource HdIov, the same version as this provider)");
        }

        if (exitCode == SshFailure)
        {
            throw said.Contains("Host key verification failed", StringComparison.Ordinal) || said.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal)
                ? Unreachable(
                    $"its SSH host key is not the one in connection.hostKey, so nothing was sent to it (ssh said: {said})",
                    "check the host's key out of band (on the host: cat /etc/ssh/ssh_host_ed25519_key.pub) and set connection.hostKey to it")
                : said.Contains("Permission denied", StringComparison.Ordinal)
                ? Unreachable(
                    $"it refused the login of '{connection.User}' with connection.privateKey (ssh said: {said})",
                    $"add the key's public half to ~{connection.User}/.ssh/authorized_keys on the host, or set connection.user and connection.privateKey to an account it authorizes")
                : Unreachable(
                    $"ssh could not connect (ssh said: {(said.Length > 0 ? said : "nothing")})",
                    $"check that the host is up and its SSH server listens on {connection.Host} port {connection.Port} (connection.host, connection.port)");
        }

        if (exitCode == CommandNotFound)
        {
            throw Unreachable(
                $"pwsh was not found there (the shell said: {said})",
                "install PowerShell 7 on the host, on the PATH of the account's SSH sessions, and the HdIov module");
        }

        var version = lines.FirstOrDefault(l => l.StartsWith(RemoteScript.VersionMarker, StringComparison.Ordinal))?[RemoteScript.VersionMarker.Length..];
        throw new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture,
            $"the engine on host '{hostName}' ({connection.Destination}, HdIov module {version ?? "unknown"}) failed with exit code {exitCode}: {(said.Length > 0 ? said : "no message")}. Fix: check that the host's HdIov module is the same version as this provider; run the same operation there with the HdIov cmdlets to see the whole error"));
    }

    private HostUnreachableException Unreachable(string why, string fix) =>
        new($"{FleetDiagnosticCodes.HostUnreachable}: host '{hostName}' ({connection.Destination}) cannot be used: {why}. Nothing on it was changed. Fix: {fix}");

    private (int ExitCode, string Output, string Errors) Ssh(string key, string knownHosts, string input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in Arguments(key, knownHosts))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw Unreachable("the ssh client did not start", "install openssh-client on the machine that runs Pulumi");
        }
        catch (Win32Exception missing)
        {
            throw Unreachable($"the ssh client could not be started ({missing.Message})", "install openssh-client on the machine that runs Pulumi");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using (cancellationToken.Register(() => Kill(process)))
            {
                try
                {
                    process.StandardInput.Write(input);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // ssh ended before it read the request (it could not connect); its exit code and error output say why.
                }

                process.WaitForExit();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
        }
    }

    private IEnumerable<string> Arguments(string key, string knownHosts)
    {
        string[] options =
        [
            "BatchMode=yes",
            "StrictHostKeyChecking=yes",
            "UserKnownHostsFile=" + knownHosts,
            "GlobalKnownHostsFile=/dev/null",
            "IdentitiesOnly=yes",
            "IdentityFile=" + key,
            "PasswordAuthentication=no",
            "KbdInteractiveAuthentication=no",
            "ConnectTimeout=" + ((int)ConnectTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "ServerAliveInterval=5",
            "ServerAliveCountMax=3",
            "LogLevel=ERROR",
        ];
        yield return "-F";
        yield return "/dev/null";
        yield return "-T";
        foreach (var option in options)
        {
            yield return "-o";
            yield return option;
        }

        yield return "-p";
        yield return connection.Port.ToString(CultureInfo.InvariantCulture);
        yield return "-l";
        yield return connection.User;
        yield return "--";
        yield return connection.Host;
        yield return RemoteScript.Command;
    }

    private static void WritePrivate(string path, string text)
    {
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(file, new UTF8Encoding(false));
        writer.Write(text);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own.
        }
    }
}
