using HdIov.PowerShell.Tests.Hosting;
using HdIov.PowerShell.Tests.Ssh;

namespace HdIov.PowerShell.Tests.Fleet;

/// <summary>
/// Three simulated hosts behind three real sshd servers on 127.0.0.2-4 (two spr-qat-e810, one mtty-lab), and a
/// runspace with the module that drives <c>SshFleetTarget</c> from this process as a rollout would.
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
            foreach (var (name, profile) in new[] { ("node-01", "spr-qat-e810"), ("node-02", "spr-qat-e810"), ("lab-01", "mtty-lab") })
            {
                var root = Path.Combine(Roots, name);
                Shell.Invoke(
                    "param($Root, $Profile) New-HdIovSimulatedHost -Profile $Profile -Path $Root -Confirm:$false | Out-Null",
                    new Dictionary<string, object?> { ["Root"] = root, ["Profile"] = profile });
                Farm.Start(name, root);
            }
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
