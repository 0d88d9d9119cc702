using System.Management.Automation;
using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Commands;

/// <summary>
/// What the command tests share: a scratch folder for simulated hosts and specs, a runspace without a host UI for
/// setting up (every setup command is given -Confirm:$false), and sessions with a scripted host for the command
/// under test.
/// </summary>
public abstract class CommandTestBase : IDisposable
{
    private readonly List<IDisposable> _sessions = [];

    protected CommandTestBase()
    {
        Scratch = Directory.CreateTempSubdirectory("hdiov-sdk-tests-").FullName;
        Setup = Track(new InProcessPowerShell().WithModule());
    }

    protected string Scratch { get; }

    /// <summary>A runspace for arranging and checking: it cannot prompt.</summary>
    internal InProcessPowerShell Setup { get; }

    protected static string TestSpec(string name) => Path.Combine(RepositoryLayout.PesterSuiteDirectory, "TestData", name);

    /// <summary>A new simulated host in the scratch folder; its root.</summary>
    protected string NewHost(string name, string profile = "spr-qat-e810")
    {
        var root = Path.Combine(Scratch, name);
        Setup.Invoke("param($Root, $Profile) New-HdIovSimulatedHost -Profile $Profile -Path $Root -Confirm:$false | Out-Null",
            new Dictionary<string, object?> { ["Root"] = root, ["Profile"] = profile });
        return root;
    }

    /// <summary>A spec file in the scratch folder.</summary>
    protected string WriteSpec(string name, string text)
    {
        var path = Path.Combine(Scratch, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A runspace whose host answers prompts with <paramref name="answers"/>, with the module imported.</summary>
    internal (InProcessPowerShell Shell, ScriptedHost Host) Session(params Answer[] answers)
    {
        var host = new ScriptedHost(answers);
        var shell = Track(new InProcessPowerShell(host).WithModule());
        return (shell, host);
    }

    /// <summary>Runs a script and gives its output and error records (the script's errors do not throw).</summary>
    internal static (IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<WarningRecord> Warnings) Run(
        InProcessPowerShell shell, string script, IDictionary<string, object?>? parameters = null)
    {
        using var pipeline = shell.Create(script, parameters);
        var output = pipeline.Invoke();
        return (output, [.. pipeline.Streams.Error], [.. pipeline.Streams.Warning]);
    }

    protected bool IsConverged(string root, string spec) =>
        LanguagePrimitives.IsTrue(Setup.Invoke("param($Spec, $Root) Test-HdIovHostState -Path $Spec -HostRoot $Root",
            new Dictionary<string, object?> { ["Spec"] = spec, ["Root"] = root }).Single().BaseObject);

    protected int PlanStepCount(string root, string spec) =>
        Setup.Invoke("param($Spec, $Root) @((Get-HdIovPlan -Path $Spec -HostRoot $Root).Steps).Count",
            new Dictionary<string, object?> { ["Spec"] = spec, ["Root"] = root }).Single().BaseObject is int count ? count : -1;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
            // A simulated host left behind in the temporary folder is harmless; the next run uses a new folder.
        }
    }

    private T Track<T>(T session)
        where T : IDisposable
    {
        _sessions.Add(session);
        return session;
    }
}
