using System.Diagnostics;

namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>The pinned pwsh in a process of its own, for what only a fresh process can show (installing, importing by name).</summary>
internal static class FreshPwsh
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <paramref name="script"/> with -NoProfile -NonInteractive; the exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Errors) Run(string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(RepositoryLayout.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[] { RepositoryLayout.PwshAssembly, "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("pwsh did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pwsh did not finish within {Timeout}: {script}");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
    }
}
