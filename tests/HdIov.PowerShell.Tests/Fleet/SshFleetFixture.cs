using HdIov.PowerShell.Tests.Hosting;
using HdIov.PowerShell.Tests.Ssh;

namespace HdIov.PowerShell.Tests.Fleet;

/// <summary>
/// Four simulated hosts behind four real sshd servers on 127.0.0.2-5 (three spr-qat-e810, one mtty-lab), and a
/// runspace with the module that drives <c>SshFleetTarget</c> from this process as a rollout would. node-03 is for the
/// test that kills its server in the middle of an apply; bare-01 (no PowerShell subsystem) and nomodule-01 (no HdIov
/// module on the session's module path) serve node-01's root.
/// </summary>
public sealed class SshFleetFixture : IDisposable
{
    public SshFleetFixture()
    {
        Shell = new InProcessPowerShell().WithModule();
        Farm = new SshServerFarm();
        try
        {
            Roots = Directory.CreateDirectory(Path.Combine(Farm.Directory, "roots")).FullName;
            foreach (var (name, profile) in new[] { ("node-01", "spr-qat-e810"), ("node-02", "spr-qat-e810"), ("lab-01", "mtty-lab"), ("node-03", "spr-qat-e810") })
            {
                var root = Path.Combine(Roots, name);
                Shell.Invoke(
                    "param($Root, $Profile) New-HdIovSimulatedHost -Profile $Profile -Path $Root -Confirm:$false | Out-Null",
                    new Dictionary<string, object?> { ["Root"] = root, ["Profile"] = profile });
                Farm.Start(name, root);
            }

            // Hosts that cannot serve a rollout: no PowerShell subsystem, or no HdIov module for the session to import.
            Farm.Start("bare-01", Path.Combine(Roots, "node-01"), powershell: false);
            Farm.Start("nomodule-01", Path.Combine(Roots, "node-01"), module: false);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal InProcessPowerShell Shell { get; }

    internal SshServerFarm Farm { get; }

    /// <summary>Where the simulated host roots are.</summary>
    public string Roots { get; } = string.Empty;

    internal SshTestServer Server(string name) => Farm.Servers.Single(s => s.Name == name);

    public void Dispose()
    {
        Farm.Dispose();
        Shell.Dispose();
    }
}
