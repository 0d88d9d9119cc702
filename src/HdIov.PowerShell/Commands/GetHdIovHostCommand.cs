using System.Management.Automation;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows a host's HD-IOV inventory and whether it is ready for it.</para>
/// <para type="description">Reads the platform, the VT-d units (scalable mode, PASID), the devices that can be split,
/// the mdev types with their free instances, the live VDEVs and the readiness findings, each with its fix, including
/// whether each VM of the host's libvirt that receives SIOV VDEVs gives its guest a scalable-mode vIOMMU. Nothing on
/// the host changes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovHost")]
[OutputType(typeof(HostInventory))]
public sealed class GetHdIovHostCommand : HdIovCmdletBase
{
    protected override void ProcessRecord()
    {
        var host = OpenHost();
        var session = OpenSession();
        var state = Guard(() => session.ObserveWithDomains([]), session.Root);
        WriteObject(HostInventory.From(state, host.Root, host.IsSimulated));
    }
}
