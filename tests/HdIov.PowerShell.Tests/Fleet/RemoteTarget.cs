using System.Management.Automation;
using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Fleet;

/// <summary>
/// An <c>SshFleetTarget</c> made and called through the module's runspace (this assembly does not reference the module:
/// the engine must load into the module's own load context). Reports come back as PowerShell objects; a failure comes
/// back as the exception the target threw.
/// </summary>
internal sealed class RemoteTarget : IDisposable
{
    private readonly InProcessPowerShell _shell;
    private readonly PSObject _target;

    public RemoteTarget(InProcessPowerShell shell, string hostName, string address, int port, string? keyFile, string? knownHostsFile, TimeSpan connectTimeout)
    {
        _shell = shell;
        _target = shell.Invoke(
            """
            param($HostName, $Address, $Port, $KeyFile, $KnownHostsFile, $Timeout)
            $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
            $transport = $engine.GetType('HdIov.Engine.Fleet.SshTransport', $true)::new($Address, $Port, $null, $KeyFile, $KnownHostsFile)
            ,[HdIov.PowerShell.Fleet.SshFleetTarget]::Open($HostName, $transport, $Timeout)
            """,
            new Dictionary<string, object?>
            {
                ["HostName"] = hostName,
                ["Address"] = address,
                ["Port"] = port,
                ["KeyFile"] = keyFile,
                ["KnownHostsFile"] = knownHostsFile,
                ["Timeout"] = connectTimeout,
            }).Single();
    }

    public void Connect() => Call("$Target.Connect($None)");

    public PSObject Plan(string spec) => Call("$Target.Plan($Argument, $None)", spec)!;

    public PSObject Converge(string spec) => Call("$Target.Converge($Argument, $None)", spec)!;

    public PSObject CheckHealth(string spec) => Call("$Target.CheckHealth($Argument, $None)", spec)!;

    public PSObject RunHealthCommand(string command, TimeSpan timeout) =>
        Call(
            """
            $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
            $check = $engine.GetType('HdIov.Engine.Fleet.HealthCheck', $true)::new($Argument[0], $Argument[1])
            $Target.RunHealthCommand($check, $None)
            """,
            new object[] { command, timeout })!;

    public string BootId() => (string)Call("$Target.BootId($None)")!.BaseObject;

    public void Reboot() => Call("$Target.Reboot($None)");

    /// <summary>The lock handle, to dispose with <see cref="Release"/>.</summary>
    public PSObject LockForRollout(string holder) => Call("$Target.LockForRollout($Argument, $None)", holder)!;

    public void Release(PSObject handle) => _shell.Invoke("param($Handle) $Handle.Dispose()", new Dictionary<string, object?> { ["Handle"] = handle });

    /// <summary>The exception <paramref name="call"/> (a script over <c>$Target</c>, <c>$Argument</c>, <c>$None</c>) threw, or null.</summary>
    public Exception? Failure(string call, object? argument = null)
    {
        var caught = _shell.Invoke(
            """
            param($Target, $Argument, $Call)
            $None = [System.Threading.CancellationToken]::None
            try { & ([scriptblock]::Create($Call)) | Out-Null; $null }
            catch {
                $failure = $_.Exception
                while ($failure -is [System.Management.Automation.MethodInvocationException] -and $failure.InnerException) { $failure = $failure.InnerException }
                ,$failure
            }
            """,
            new Dictionary<string, object?> { ["Target"] = _target, ["Argument"] = argument, ["Call"] = call });
        return caught.SingleOrDefault(o => o is not null)?.BaseObject as Exception;
    }

    public void Dispose() => _shell.Invoke("param($Target) $Target.Dispose()", new Dictionary<string, object?> { ["Target"] = _target });

    /// <summary>A property of a report or an exception, read as PowerShell reads it.</summary>
    public static object? Property(object item, string name) => PSObject.AsPSObject(item).Properties[name]?.Value switch
    {
        PSObject wrapped => wrapped.BaseObject,
        var value => value,
    };

    private PSObject? Call(string call, object? argument = null) =>
        _shell.Invoke(
            """
            param($Target, $Argument, $Call)
            $None = [System.Threading.CancellationToken]::None
            & ([scriptblock]::Create($Call))
            """,
            new Dictionary<string, object?> { ["Target"] = _target, ["Argument"] = argument, ["Call"] = call }).SingleOrDefault();
}
