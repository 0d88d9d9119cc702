using System.Diagnostics;

namespace HdIov.Engine.Tests.Testing;

/// <summary>The programs tests run to check the engine's work with the tools an administrator would use.</summary>
internal static class Programs
{
    /// <summary>virsh on <paramref name="uri"/>; its output, the test failing when virsh does.</summary>
    public static string Virsh(string uri, params string[] arguments)
    {
        var result = Run("virsh", ["-c", uri, .. arguments]);
        Assert.True(result.ExitCode == 0, $"virsh {string.Join(' ', arguments)} failed: {result.Output}");
        return result.Output;
    }

    /// <summary>Runs a program to its end: its exit code and its standard output followed by its standard error.</summary>
    public static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
