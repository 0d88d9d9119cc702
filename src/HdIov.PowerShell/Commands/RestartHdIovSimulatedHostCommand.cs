using System.Management.Automation;
using HdIov.Engine.Simulation;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reboots a simulated host.</para>
/// <para type="description">The simulated kernel boots again with the arguments its boot loader is configured with (/boot/grub/grub.cfg, or the kernel's BLS entry on grubby and kernel-install profiles):
/// every VDEV and VF is destroyed, drivers and driver_override return to their defaults, QAT configuration files
/// are read again, mdev parents register and mdevctl starts the definitions marked start: auto. Pending BIOS
/// settings take effect. The host's own libvirtd stops; its VMs' definitions stay. It refuses a real host: reboot a
/// machine through its own tools.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "HdIovSimulatedHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(SimulatedHostInfo))]
public sealed class RestartHdIovSimulatedHostCommand : HdIovCmdletBase
{
    /// <summary><para type="description">Returns the rebooted host (its root and profile); by default there is no output.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var host = OpenHost();
        if (host is not SimulatedHost simulated)
        {
            var refused = new InvalidOperationException(
                $"{host.Root} is this machine, not a simulated host; Restart-HdIovSimulatedHost only reboots simulated hosts.");
            ThrowTerminatingError(new ErrorRecord(refused, "NotASimulatedHost", ErrorCategory.InvalidOperation, host.Root)
            {
                ErrorDetails = new ErrorDetails(refused.Message)
                {
                    RecommendedAction = "pass -HostRoot with the folder of a host made by New-HdIovSimulatedHost; reboot a real host with its own tools (systemctl reboot)",
                },
            });
            return;
        }

        if (!ShouldProcess(simulated.Root, $"Reboot the simulated {simulated.ProfileName} host (its VDEVs and VFs are destroyed)"))
        {
            return;
        }

        Guard(
            () =>
            {
                simulated.Reboot();
                return true;
            },
            simulated.Root);

        if (PassThru)
        {
            WriteObject(new SimulatedHostInfo { Path = simulated.Root, Profile = simulated.ProfileName, Description = simulated.Profile.Description });
        }
    }
}
