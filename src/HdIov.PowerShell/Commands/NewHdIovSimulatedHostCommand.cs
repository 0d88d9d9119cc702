using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Simulation;
using HdIov.PowerShell.Completers;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Creates a simulated host: a folder laid out like / whose kernel model answers like the real one.</para>
/// <para type="description">Every HdIov command works on it through -HostRoot (or $env:HDIOV_HOST_ROOT), so a rollout can
/// be rehearsed without the hardware. Profiles are real platforms, for example spr-qat-e810 (two-socket Sapphire
/// Rapids with QAT 4xxx and an E810) and spr-pasid-off (scalable mode without PASID). The host has a libvirt of its own
/// for qemu:///system, started by the first command that needs it, with the VMs its profile declares.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "HdIovSimulatedHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SimulatedHostInfo))]
public sealed class NewHdIovSimulatedHostCommand : PSCmdlet
{
    /// <summary><para type="description">The platform to simulate; Tab completes the profile names.</para></summary>
    [Parameter(Mandatory = true, Position = 0, HelpMessage = "The platform profile to simulate, e.g. spr-qat-e810.")]
    [ArgumentCompleter(typeof(SimulatedHostProfileCompleter))]
    [ValidateNotNullOrEmpty]
    public string Profile { get; set; } = string.Empty;

    /// <summary><para type="description">The folder to create the host in; it becomes the host's root.</para></summary>
    [Parameter(Mandatory = true, Position = 1, HelpMessage = "The folder that becomes the simulated host's root.")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary><para type="description">Replaces an existing simulated host in that folder.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var profile = SimulatedHostProfiles.All.FirstOrDefault(p => string.Equals(p.Name, Profile, StringComparison.OrdinalIgnoreCase));
        if (profile is null)
        {
            var known = string.Join(", ", SimulatedHostProfiles.All.Select(p => p.Name));
            var unknown = new ItemNotFoundException($"There is no simulated host profile '{Profile}'. Known profiles: {known}.");
            ThrowTerminatingError(new ErrorRecord(unknown, "UnknownSimulatedHostProfile", ErrorCategory.ObjectNotFound, Profile)
            {
                ErrorDetails = new ErrorDetails(unknown.Message) { RecommendedAction = $"use one of: {known}" },
            });
            return;
        }

        var root = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(root, $"Create a simulated {profile.Name} host"))
        {
            return;
        }

        try
        {
            SimulatedHost.Create(root, profile.Name, Force);
        }
        catch (ArgumentException badPath)
        {
            ThrowTerminatingError(new ErrorRecord(badPath, "InvalidSimulatedHostPath", ErrorCategory.InvalidArgument, root));
        }
        catch (IOException notCreated)
        {
            var occupied = Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any();
            ThrowTerminatingError(new ErrorRecord(notCreated, "SimulatedHostNotCreated", occupied ? ErrorCategory.ResourceExists : ErrorCategory.WriteError, root));
        }
        catch (Exception failure) when (failure is HdIovException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecordFactory.FromException(failure, root));
        }

        WriteObject(new SimulatedHostInfo { Path = root, Profile = profile.Name, Description = profile.Description });
    }
}
