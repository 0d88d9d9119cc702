using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Simulation;

namespace HdIov.Engine.Discovery;

/// <summary>
/// The host identity both fronts default to when the user names none (it seeds the VDEV UUIDs, so the PowerShell
/// module and the Pulumi provider must agree): the kernel's host name, else <c>/etc/hostname</c>, else for a
/// simulated host its profile name, else <c>localhost</c>.
/// </summary>
public static class HostNames
{
    public static string DefaultName(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        foreach (var path in new[] { "/proc/sys/kernel/hostname", "/etc/hostname" })
        {
            if (host.Exists(path))
            {
                var text = host.ReadText(path).Trim();
                if (Names.IsValid(text))
                {
                    return text;
                }
            }
        }

        return host is SimulatedHost simulated ? simulated.ProfileName : "localhost";
    }
}
