using System.Text.Json.Serialization;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Attachments;

/// <summary>
/// A device handed to a VM: a VDEV (mdev, by <see cref="Uuid"/>) or an SR-IOV VF (by <see cref="PciAddress"/>), with its
/// parent (a PF's address or a parent name such as <c>mtty</c>) and, for VDEVs the spec names, its VDEV name.
/// </summary>
public sealed record VmDevice(string Parent, Guid? Uuid, PciAddress? PciAddress, string? VdevName)
{
    public static VmDevice Mdev(string parent, Guid uuid, string? vdevName) => new(parent, uuid, null, vdevName);

    public static VmDevice Vf(string parent, PciAddress address) => new(parent, null, address, null);

    /// <summary>The UUID of a VDEV or the PCI address of a VF.</summary>
    [JsonIgnore]
    public string Id => Uuid is { } uuid ? uuid.ToString("D") : PciAddress?.ToString() ?? string.Empty;

    /// <summary>The VDEV name when known, else <see cref="Id"/>.</summary>
    [JsonIgnore]
    public string Label => VdevName ?? Id;

    public bool IsIn(DomainHostdevs hostdevs) =>
        Uuid is { } uuid ? hostdevs.Mdevs.Contains(uuid) : PciAddress is { } address && hostdevs.PciFunctions.Contains(address);
}
