using System.Globalization;
using System.Xml.Linq;

namespace HdIov.Engine.Attachments;

/// <summary>
/// The libvirt device XML for a <see cref="VmDevice"/>: an mdev is <c>&lt;hostdev type='mdev' model='vfio-pci'&gt;</c>
/// addressed by UUID (libvirt does not create or manage it: <c>managed='no'</c>); a VF is a PCI hostdev that libvirt
/// binds to vfio-pci while the guest uses it (<c>managed='yes'</c>).
/// </summary>
public static class HostdevXml
{
    public static string Render(VmDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        XElement address;
        XElement hostdev;
        if (device.Uuid is { } uuid)
        {
            address = new XElement("address", new XAttribute("uuid", uuid.ToString("D", CultureInfo.InvariantCulture)));
            hostdev = new XElement(
                "hostdev",
                new XAttribute("mode", "subsystem"),
                new XAttribute("type", "mdev"),
                new XAttribute("model", "vfio-pci"),
                new XAttribute("managed", "no"));
        }
        else if (device.PciAddress is { } pci)
        {
            address = new XElement(
                "address",
                new XAttribute("domain", string.Create(CultureInfo.InvariantCulture, $"0x{pci.Domain:x4}")),
                new XAttribute("bus", string.Create(CultureInfo.InvariantCulture, $"0x{pci.Bus:x2}")),
                new XAttribute("slot", string.Create(CultureInfo.InvariantCulture, $"0x{pci.Device:x2}")),
                new XAttribute("function", string.Create(CultureInfo.InvariantCulture, $"0x{pci.Function:x1}")));
            hostdev = new XElement(
                "hostdev",
                new XAttribute("mode", "subsystem"),
                new XAttribute("type", "pci"),
                new XAttribute("managed", "yes"));
        }
        else
        {
            throw new ArgumentException("a VM device needs a UUID or a PCI address", nameof(device));
        }

        hostdev.Add(new XElement("source", address));
        return hostdev.ToString(SaveOptions.DisableFormatting);
    }
}
