using System.Collections.Immutable;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Attachments;

/// <summary>The host devices a domain XML hands to its guest: mdevs by UUID and PCI functions by address.</summary>
public sealed record DomainHostdevs(ImmutableHashSet<Guid> Mdevs, ImmutableHashSet<PciAddress> PciFunctions)
{
    public static DomainHostdevs Empty { get; } = new([], []);

    /// <summary>Reads <c>/domain/devices/hostdev[@mode='subsystem']</c>; other devices and malformed addresses are ignored.</summary>
    /// <exception cref="FormatException">The text is not XML.</exception>
    public static DomainHostdevs Parse(string domainXml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(domainXml);
        }
        catch (XmlException error)
        {
            throw new FormatException($"the domain XML is not well-formed: {error.Message}", error);
        }

        var mdevs = ImmutableHashSet.CreateBuilder<Guid>();
        var functions = ImmutableHashSet.CreateBuilder<PciAddress>();
        var hostdevs = document.Root?.Element("devices")?.Elements("hostdev") ?? [];
        foreach (var hostdev in hostdevs.Where(h => (string?)h.Attribute("mode") == "subsystem"))
        {
            var address = hostdev.Element("source")?.Element("address");
            if (address is null)
            {
                continue;
            }

            switch ((string?)hostdev.Attribute("type"))
            {
                case "mdev" when Guid.TryParse((string?)address.Attribute("uuid"), out var uuid):
                    mdevs.Add(uuid);
                    break;
                case "pci" when PciOf(address) is { } pci:
                    functions.Add(pci);
                    break;
            }
        }

        return new DomainHostdevs(mdevs.ToImmutable(), functions.ToImmutable());
    }

    private static PciAddress? PciOf(XElement address)
    {
        static int? Number(XElement element, string name)
        {
            var text = (string?)element.Attribute(name);
            if (text is null)
            {
                return null;
            }

            return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? int.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }

        var domain = Number(address, "domain") ?? 0;
        return Number(address, "bus") is { } bus && Number(address, "slot") is { } slot && Number(address, "function") is { } function
            && domain is >= 0 and <= 0xffff && bus is >= 0 and <= 0xff && slot is >= 0 and <= 0x1f && function is >= 0 and <= 7
            ? new PciAddress((ushort)domain, (byte)bus, (byte)slot, (byte)function)
            : null;
    }
}
