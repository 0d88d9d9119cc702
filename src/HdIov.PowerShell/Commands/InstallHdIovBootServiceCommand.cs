using System.Management.Automation;
using HdIov.Engine.Platform.BootService;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Installs the systemd unit that converges the host to a spec at every boot.</para>
/// <para type="description">Checks the spec, then writes /etc/systemd/system/hdiov-converge.service and a drop-in of
/// multi-user.target that wants it (a plain file: no systemctl enable is needed). At boot the unit runs
/// Set-HdIovHostState -Force with the spec after the device drivers are loaded, udev has settled and libvirtd has
/// started, and before libvirt-guests.service starts the VMs, so the VDEVs, VFs and attachments that do not survive a
/// reboot are back when the VMs need them. Run systemctl daemon-reload for systemd to see it before the next boot.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "HdIovBootService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class InstallHdIovBootServiceCommand : HdIovCmdletBase
{
    /// <summary><para type="description">The spec document (YAML) the host converges to at boot; the unit names it by its full path.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The spec document the host converges to at boot.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">The pwsh executable the unit runs. Default: the pwsh running this command when it is
    /// an executable file, else /usr/bin/pwsh.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PwshPath { get; set; }

    /// <summary><para type="description">Returns the unit file written; by default there is no output.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var specPath = GetUnresolvedProviderPathFromPSPath(Path);
        SpecFiles.Load(this, specPath);
        var pwsh = PwshPath ?? DefaultPwsh();
        var module = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? AppContext.BaseDirectory, "HdIov.psd1");
        string unit;
        try
        {
            unit = BootConvergeUnit.Render(specPath, pwsh, module);
        }
        catch (ArgumentException unsafePath)
        {
            ThrowTerminatingError(new ErrorRecord(unsafePath, "UnsafeUnitPath", ErrorCategory.InvalidArgument, unsafePath.ParamName)
            {
                ErrorDetails = new ErrorDetails(unsafePath.Message)
                {
                    RecommendedAction = unsafePath.ParamName == "pwshPath"
                        ? "pass -PwshPath with the absolute path of pwsh"
                        : "keep the spec and the module under a path without quotes, $, %, \\, ` or ;",
                },
            });
            return;
        }

        var host = OpenHost();
        if (!ShouldProcess(System.IO.Path.Join(host.Root, BootConvergeUnit.UnitPath), $"Install {BootConvergeUnit.Name} converging {specPath} at boot"))
        {
            return;
        }

        Guard(
            () =>
            {
                host.WriteFile(BootConvergeUnit.UnitPath, unit);
                host.WriteFile(BootConvergeUnit.WantsDropInPath, BootConvergeUnit.WantsDropIn());
                return true;
            },
            host.Root);

        if (PassThru)
        {
            WriteObject(new FileInfo(System.IO.Path.Join(host.Root, BootConvergeUnit.UnitPath)));
        }
    }

    /// <summary>The pwsh running this command when it is an executable, else the first pwsh on PATH, else /usr/bin/pwsh.</summary>
    private string DefaultPwsh()
    {
        var home = SessionState.PSVariable.GetValue("PSHOME") as string;
        var candidates = (home is null ? [] : new[] { System.IO.Path.Combine(home, "pwsh") })
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(System.IO.Path.IsPathRooted)
                .Select(directory => System.IO.Path.Combine(directory, "pwsh")));
        return candidates.FirstOrDefault(IsExecutable) ?? "/usr/bin/pwsh";
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
}
