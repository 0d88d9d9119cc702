using System.Management.Automation;
using HdIov.PowerShell.Completers;
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
    [ArgumentCompleter(typeof(PciAddressCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Parent { get; set; }

    /// <summary><para type="description">Only these devices: VDEV names (qat/0/asym/0), UUIDs or VF addresses; wildcards allowed. Tab completes the VDEVs on the host.</para></summary>
    [Parameter]
    [ArgumentCompleter(typeof(VdevNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary><para type="description">Only devices of these types: a VDEV key as a spec writes it, or an mdev type id; wildcards allowed. Tab completes the types.</para></summary>
    [Parameter]
    [ArgumentCompleter(typeof(DeviceTypeCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Type { get; set; }

    /// <summary><para type="description">Only the devices the engine owns.</para></summary>
    [Parameter]
    public SwitchParameter Owned { get; set; }

    protected override void ProcessRecord()
    {
        // With the domains, so each device lists the VMs that hold it as well as processes and the CDI spec.
        var session = OpenSession();
        var state = Guard(() => session.ObserveWithDomains([]), session.Root);
        var devices = VirtualDeviceInfo.AllOf(state)
            .Where(d => Parent is null || string.Equals(d.Parent, Parent.Trim(), StringComparison.OrdinalIgnoreCase))
            .Where(d => !Owned || d.Owned)
            .Where(d => Name is null || Matches(Name, d.VdevName, d.Id))
            .Where(d => Type is null || Matches(Type, d.Type, SpecType(d)));

        foreach (var device in devices)
        {
            WriteObject(device);
        }
    }

    private static bool Matches(string[] patterns, params string?[] values) =>
        patterns.Any(p =>
        {
            var pattern = WildcardPattern.Get(p.Trim(), WildcardOptions.IgnoreCase);
            return values.Any(v => v is not null && pattern.IsMatch(v));
        });

    /// <summary>The device's type in the spec's words: the type part of its VDEV name, else its family's key for the mdev type.</summary>
    private static string SpecType(VirtualDeviceInfo device)
    {
        var segments = device.VdevName?.Split('/');
        return segments is { Length: 4 } ? segments[2] : Engine.Families.DeviceFamilies.SpecKeyOf(device.Type);
    }
}
