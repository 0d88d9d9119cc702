using System.Management.Automation;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the live virtual devices: every mediated device (VDEV) and every SR-IOV VF.</para>
/// <para type="description">Each with its UUID or PCI address, parent, type, IOMMU group, whether the engine owns it
/// (it is in the ownership ledger) with its VDEV name from the spec, and how it comes back after a reboot: an
/// mdevctl definition, the engine's ledger, or not at all. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovVirtualDevice")]
[OutputType(typeof(VirtualDeviceInfo))]
public sealed class GetHdIovVirtualDeviceCommand : HdIovCmdletBase
{
    /// <summary><para type="description">Only the devices on this parent: a PF's PCI address or a parent's name (mtty).</para></summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PciAddress")]
    [ValidateNotNullOrEmpty]
    public string? Parent { get; set; }

    /// <summary><para type="description">Only the devices the engine owns.</para></summary>
    [Parameter]
    public SwitchParameter Owned { get; set; }

    protected override void ProcessRecord()
    {
        var state = Observe();
        var devices = state.Mdevs
            .Select(m => VirtualDeviceInfo.FromMdev(m, state))
            .Concat(state.Functions.Where(f => f.IsVirtualFunction).Select(f => VirtualDeviceInfo.FromVf(f, state)))
            .Where(d => Parent is null || string.Equals(d.Parent, Parent.Trim(), StringComparison.OrdinalIgnoreCase))
            .Where(d => !Owned || d.Owned)
            .OrderBy(d => d.Parent, StringComparer.Ordinal)
            .ThenBy(d => d.Kind, StringComparer.Ordinal)
            .ThenBy(d => d.VdevName is null)
            .ThenBy(d => d.VdevName, StringComparer.Ordinal)
            .ThenBy(d => d.Id, StringComparer.Ordinal);

        foreach (var device in devices)
        {
            WriteObject(device);
        }
    }
}
