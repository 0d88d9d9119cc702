using System.Diagnostics;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>Runs a real tool that nobody here wrote; a missing tool fails the test with the Debian package that provides it.</summary>
internal static class ExternalTool
{
    public static string Require(string tool, string debianPackage)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"'{tool}' is not installed; the fidelity tests need it. Install it with: apt-get install -y {debianPackage}");
        return tool;
    }

    public static (int ExitCode, string Output, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within 2 minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
