using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.PowerShell.Errors;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows the QEMU arguments that hand a VM the VDEVs a spec attaches to it, for VMs started by hand.</para>
/// <para type="description">Loads the spec, takes the VDEVs its attachments give the VM, and checks on the host that
/// each one exists. Returns the arguments one per line (-device, then vfio-pci with the VDEV's sysfs path and an id
/// derived from its name), or with -AsString as one line for a shell. A VDEV that is not created yet stops the
/// command with HDIOV2024 instead of printing a device QEMU cannot open. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovQemuArguments")]
[OutputType(typeof(string))]
public sealed class GetHdIovQemuArgumentsCommand : HdIovCmdletBase
{
    /// <summary><para type="description">The spec document (YAML) whose attachments name the VM's VDEVs.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The spec document (YAML) whose attachments name the VM's VDEVs.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary><para type="description">The VM, as named by vm: { name: ... } or qemu: { name: ... } in the spec's attachments.</para></summary>
    [Parameter(Mandatory = true, Position = 1, HelpMessage = "The VM, as named by vm: { name: ... } or qemu: { name: ... } in the spec's attachments.")]
    [ValidateNotNullOrEmpty]
    public string VmName { get; set; } = string.Empty;

    /// <summary><para type="description">Puts the guest vIOMMU arguments (a Q35 machine and Intel's vIOMMU in scalable mode) before the devices.</para></summary>
    [Parameter]
    public SwitchParameter IncludeIommu { get; set; }

    /// <summary><para type="description">Returns one line a POSIX shell reads back into the same arguments, instead of one string per argument.</para></summary>
    [Parameter]
    public SwitchParameter AsString { get; set; }

    protected override void ProcessRecord()
    {
        var spec = SpecFiles.Load(this, Path);
        var declared = QemuDeviceArguments.DeclaredFor(spec, VmName);
        if (declared.IsEmpty)
        {
            var named = spec.Attachments.Select(a => a.Vm?.Name ?? a.Qemu?.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            ThrowTerminatingError(ErrorRecordFactory.FromDiagnostic(
                new Diagnostic(DiagnosticCodes.NoDeviceMatches, DiagnosticSeverity.Error,
                    $"{spec.SourceFile ?? spec.Name} attaches no VDEV to VM '{VmName}'",
                    named.Count == 0
                        ? "declare the VM's VDEVs under spec.attachments (vdevs: [...], vm: { name: ... } or qemu: { name: ... })"
                        : $"pass a VM the spec names: {string.Join(", ", named)}"),
                "VmName"));
        }

        var state = Observe();
        var devices = new List<VmDevice>();
        var missing = 0;
        foreach (var (name, uuid, location) in declared)
        {
            if (state.Mdevs.FirstOrDefault(m => m.Uuid == uuid) is { } mdev)
            {
                devices.Add(VmDevice.Mdev(mdev.Parent, uuid, name.ToString()));
                continue;
            }

            missing++;
            WriteError(ErrorRecordFactory.FromDiagnostic(
                new Diagnostic(DiagnosticCodes.VdevNotCreated, DiagnosticSeverity.Error,
                    $"VDEV {name} ({uuid:D}) is not created on this host yet, so QEMU could not open it",
                    $"converge the host first: Set-HdIovHostState -Path {Path}", location, "spec.attachments"),
                name.ToString()));
        }

        if (missing > 0)
        {
            var summary = new HdIovException(string.Create(CultureInfo.InvariantCulture,
                $"{missing} of the {declared.Length} VDEVs attached to VM '{VmName}' are not created; no arguments were written."));
            ThrowTerminatingError(new ErrorRecord(summary, DiagnosticCodes.VdevNotCreated, ErrorCategory.ObjectNotFound, VmName)
            {
                ErrorDetails = new ErrorDetails(summary.Message) { RecommendedAction = $"converge the host first: Set-HdIovHostState -Path {Path}" },
            });
        }

        var arguments = QemuDeviceArguments.For(devices, IncludeIommu);
        if (AsString)
        {
            WriteObject(QemuDeviceArguments.ToShellText(arguments));
            return;
        }

        WriteObject(arguments, enumerateCollection: true);
    }
}
