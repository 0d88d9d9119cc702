using System.Management.Automation;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.PowerShell.Completers;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// What Connect- and Disconnect-HdIovVirtualDevice share: the devices (by UUID, VDEV name or from
/// Get-HdIovVirtualDevice), the target (a libvirt domain or containers), and plan, confirm and apply through the
/// engine. Devices from the whole pipeline go into one plan, applied in <see cref="EndProcessing"/>.
/// </summary>
public abstract class HdIovAttachmentCmdletBase : HdIovCmdletBase
{
    protected const string ByUuid = "Uuid";
    protected const string ByName = "Name";
    protected const string ByInputObject = "InputObject";

    private readonly List<VirtualDeviceInfo> _piped = [];
    private readonly List<Guid> _uuids = [];
    private readonly List<string> _names = [];

    /// <summary><para type="description">The UUIDs of the VDEVs (mdevs).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUuid, Position = 0, HelpMessage = "The UUIDs of the VDEVs (mdevs).")]
    public Guid[] Uuid { get; set; } = [];

    /// <summary><para type="description">The VDEV names from the spec (qat/0/asym/0), as the ledger records them.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = ByName, HelpMessage = "The VDEV names from the spec, e.g. qat/0/asym/0.")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary><para type="description">Devices from Get-HdIovVirtualDevice: VDEVs, or VFs for a VM.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true, HelpMessage = "Devices from Get-HdIovVirtualDevice.")]
    public VirtualDeviceInfo[] InputObject { get; set; } = [];

    /// <summary><para type="description">The libvirt domain (VM) to attach to or detach from.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LibvirtDomainCompleter))]
    public string? VmName { get; set; }

    /// <summary><para type="description">The libvirt connection URI of the VM. Default: qemu:///system.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = "qemu:///system";

    /// <summary><para type="description">Also change the running VM (hot-plug or hot-unplug), not only its persistent definition.</para></summary>
    [Parameter]
    public SwitchParameter Live { get; set; }

    /// <summary><para type="description">Target containers: the device is added to or removed from the CDI spec /etc/cdi/hdiov.json.</para></summary>
    [Parameter]
    public SwitchParameter Container { get; set; }

    /// <summary><para type="description">Do not ask before a step that needs a VM restart to take effect.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>"Connect" or "Disconnect", for messages.</summary>
    protected abstract string Verb { get; }

    protected abstract Plan MakeRequestPlan(HostSession session, HostState state, AttachmentRequest request);

    protected override void BeginProcessing()
    {
        if ((VmName is null) == !Container.IsPresent)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("give exactly one target: -VmName <domain> or -Container"),
                "HDIOV1010", ErrorCategory.InvalidArgument, null)
            {
                ErrorDetails = new ErrorDetails("Give exactly one target: -VmName <domain> (with -Uri and -Live as needed) or -Container.")
                {
                    RecommendedAction = "pass -VmName or -Container",
                },
            });
        }
    }

    protected override void ProcessRecord()
    {
        _piped.AddRange(InputObject);
        _uuids.AddRange(Uuid);
        _names.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        var session = OpenSession();
        var state = VmName is null ? Observe() : Guard(() => session.ObserveWithDomains([(Uri, VmName)]), session.Root);

        var devices = Resolve(state);
        var request = VmName is null
            ? AttachmentRequest.ToContainers(devices)
            : AttachmentRequest.ToVm(devices, VmName, Uri, Live.IsPresent);
        var plan = Guard(() => MakeRequestPlan(session, state, request), session.Root);
        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        if (plan.IsEmpty || !ConfirmSteps(plan, Force))
        {
            return;
        }

        if (TryApply(plan, $"{Verb}ing devices", request) is { } result)
        {
            WriteObject(result);
        }
    }

    private List<VmDevice> Resolve(HostState state)
    {
        var devices = new List<VmDevice>();
        foreach (var uuid in _uuids)
        {
            devices.Add(FromUuid(state, uuid));
        }

        foreach (var name in _names)
        {
            var entry = state.Ledger.Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == name.Trim());
            if (entry?.Uuid is null)
            {
                ThrowTerminatingError(ErrorRecordFactory.FromDiagnostic(
                    new Engine.Diagnostics.Diagnostic(Engine.Diagnostics.DiagnosticCodes.NoDeviceMatches, Engine.Diagnostics.DiagnosticSeverity.Error,
                        $"no VDEV named '{Engine.Host.HostPath.Printable(name)}' is recorded on this host", "Get-HdIovVirtualDevice -Owned lists the VDEV names"),
                    name));
            }

            devices.Add(VmDevice.Mdev(entry!.Parent, entry.Uuid!.Value, entry.VdevName));
        }

        foreach (var info in _piped)
        {
            if (info.Uuid is { } uuid)
            {
                devices.Add(FromUuid(state, uuid));
            }
            else if (PciAddress.TryParse(info.PciAddress, out var address))
            {
                devices.Add(VmDevice.Vf(info.Parent, address));
            }
        }

        return [.. devices.Distinct()];
    }

    private static VmDevice FromUuid(HostState state, Guid uuid)
    {
        var entry = state.Ledger.FindMdev(uuid);
        var parent = state.Mdevs.FirstOrDefault(m => m.Uuid == uuid)?.Parent ?? entry?.Parent
            ?? state.Ledger.Attachments.FirstOrDefault(e => e.Uuid == uuid)?.Parent ?? "unknown";
        return VmDevice.Mdev(parent, uuid, entry?.VdevName);
    }
}
