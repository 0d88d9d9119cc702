using System.Management.Automation;
using System.Text.Json;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows a host's HD-IOV inventory and whether it is ready for it.</para>
/// <para type="description">Reads the platform, the VT-d units (scalable mode, PASID), the devices that can be split
/// (the objects Get-HdIovDevice returns), the mdev types with their free instances, the live VDEVs and VFs (the objects
/// Get-HdIovVirtualDevice returns) and the readiness findings, each with its fix, including whether each VM of the
/// host's libvirt that receives SIOV VDEVs gives its guest a scalable-mode vIOMMU. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovHost")]
[OutputType(typeof(HostInventory))]
[OutputType(typeof(string))]
public sealed class GetHdIovHostCommand : HdIovCmdletBase
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary><para type="description">Writes the inventory as one JSON document, every nested row included
    /// (ConvertTo-Json needs -Depth 4 for the same).</para></summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    protected override void ProcessRecord()
    {
        var host = OpenHost();
        var session = OpenSession();
        var state = Guard(() => session.ObserveWithDomains([]), session.Root);
        var inventory = HostInventory.From(state, host.Root, host.IsSimulated);
        WriteObject(AsJson ? JsonSerializer.Serialize(inventory, JsonOptions) : inventory);
    }
}
