using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>
/// A runspace in this process, opened with PowerShell's default session state (the SDK's built-in modules) and,
/// optionally, a host of the test's own. Commands run in it as in a user's pwsh: the module is imported from its
/// laid-out manifest, so the engine loads into the module's private load context.
/// </summary>
internal sealed class InProcessPowerShell : IDisposable
{
    /// <summary>The variable the Pester suite reads for the pwsh to start again (a pwsh.dll run by the dotnet host).</summary>
    public const string PwshVariable = "HDIOV_PWSH";

    private readonly Runspace _runspace;

    public InProcessPowerShell(PSHost? host = null)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = host is null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
    }

    public Runspace Runspace => _runspace;

    /// <summary>Imports the laid-out module into this runspace.</summary>
    public InProcessPowerShell WithModule()
    {
        Invoke("param($Manifest) Import-Module $Manifest -Force -ErrorAction Stop", new Dictionary<string, object?> { ["Manifest"] = RepositoryLayout.ModuleManifest });
        return this;
    }

    /// <summary>Runs a script; a terminating error, or an error record written by it, fails the call.</summary>
    public IReadOnlyList<PSObject> Invoke(string script, IDictionary<string, object?>? parameters = null)
    {
        using var shell = Create(script, parameters);
        var output = shell.Invoke();
        if (shell.HadErrors && shell.Streams.Error.Count > 0)
        {
            throw new InvalidOperationException(
                "The script wrote errors:" + Environment.NewLine + string.Join(Environment.NewLine, shell.Streams.Error.Select(e => e.ToString())));
        }

        return output;
    }

    /// <summary>A pipeline for the script in this runspace, for tests that read its streams or stop it.</summary>
    public System.Management.Automation.PowerShell Create(string script, IDictionary<string, object?>? parameters = null)
    {
        var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        if (parameters is not null)
        {
            shell.AddParameters(parameters.ToDictionary(p => p.Key, p => p.Value));
        }

        return shell;
    }

    public void Dispose() => _runspace.Dispose();
}
