using System.Collections.Immutable;
using System.Xml;
using System.Xml.Linq;

namespace HdIov.Engine.Attachments;

/// <summary>
/// What a domain's persistent definition lacks of a scalable-mode guest vIOMMU that libvirt can express
/// (<see cref="Missing"/>), or why the engine cannot add it (<see cref="Refusal"/> with its <see cref="Fix"/>: a
/// machine type other than q35, another IOMMU model, a setting the definition turns off explicitly).
/// </summary>
public sealed record GuestIommuAddition(ImmutableArray<GuestIommuPart> Missing, string? Refusal = null, string? Fix = null)
{
    public bool Complete => Refusal is null && Missing.IsEmpty;
}

/// <summary>
/// Edits a domain's persistent XML for <c>vm.guestIommu: add</c>: <see cref="Inspect"/> says what is missing,
/// <see cref="Add"/> adds it (the machine type is never changed), <see cref="Remove"/> takes out exactly the parts the
/// ledger says the engine added and leaves everything else. Scalable mode has no libvirt attribute (libvirt 9), so it
/// goes through QEMU's namespace as <c>-global intel-iommu.x-scalable-mode=on</c>.
/// </summary>
public static class GuestIommuDefinition
{
    private const string GlobalOption = "-global";
    private const string ScalableModeArgument = "intel-iommu.x-scalable-mode=on";
    private const string ScalableModePrefix = "intel-iommu.x-scalable-mode=";

    private static readonly XNamespace Qemu = GuestIommu.QemuNamespace;

    /// <exception cref="FormatException">The text is not domain XML.</exception>
    public static GuestIommuAddition Inspect(string domainXml)
    {
        var domain = Root(domainXml);
        var machine = (string?)domain.Element("os")?.Element("type")?.Attribute("machine") ?? string.Empty;
        if (!machine.Contains("q35", StringComparison.Ordinal))
        {
            return Refuse(
                $"its machine type is '{(machine.Length == 0 ? "the hypervisor's default" : machine)}', and a virtual Intel IOMMU with interrupt remapping needs a q35 machine; the engine does not change a machine type",
                "define the domain as q35 (<type arch='x86_64' machine='q35'>hvm</type>, e.g. virt-install --machine q35), or use guestIommu: report");
        }

        var missing = ImmutableArray.CreateBuilder<GuestIommuPart>();
        var iommus = domain.Element("devices")?.Elements("iommu").ToList() ?? [];
        if (iommus.FirstOrDefault(i => (string?)i.Attribute("model") != "intel") is { } other)
        {
            return Refuse(
                $"it has a virtual IOMMU of model '{(string?)other.Attribute("model")}', and a domain has one IOMMU",
                "remove that <iommu> from the domain (virsh edit), or use guestIommu: report");
        }

        if (iommus.FirstOrDefault() is { } iommu)
        {
            if (iommu.Element("driver") is not { } driver)
            {
                missing.Add(GuestIommuPart.IommuDriver);
            }
            else
            {
                foreach (var (attribute, part) in new[] { ("intremap", GuestIommuPart.InterruptRemapping), ("caching_mode", GuestIommuPart.CachingMode) })
                {
                    switch ((string?)driver.Attribute(attribute))
                    {
                        case null:
                            missing.Add(part);
                            break;
                        case "on":
                            break;
                        case var value:
                            return Refuse(
                                $"its <iommu model='intel'> sets {attribute}='{value}', and PASID in the guest needs it on",
                                $"set {attribute}='on' in the domain's <iommu><driver> (virsh edit), or use guestIommu: report");
                    }
                }
            }
        }
        else
        {
            missing.Add(GuestIommuPart.Iommu);
        }

        if (domain.Element("features") is not { } features)
        {
            missing.Add(GuestIommuPart.Features);
            missing.Add(GuestIommuPart.Ioapic);
        }
        else if (features.Element("ioapic") is not { } ioapic)
        {
            missing.Add(GuestIommuPart.Ioapic);
        }
        else if ((string?)ioapic.Attribute("driver") != "qemu")
        {
            return Refuse(
                $"its <features> set <ioapic driver='{(string?)ioapic.Attribute("driver")}'/>, and interrupt remapping needs QEMU's split irqchip",
                "set <ioapic driver='qemu'/> in the domain's <features> (virsh edit), or use guestIommu: report");
        }

        var scalable = ScalableModeValues(domain).ToList();
        if (scalable.Any(v => !GuestIommu.IsOn(v)))
        {
            return Refuse(
                $"its <qemu:commandline> sets intel-iommu.x-scalable-mode={scalable.First(v => !GuestIommu.IsOn(v))}",
                "remove that -global argument from the domain (virsh edit), or use guestIommu: report");
        }

        if (scalable.Count == 0 && !GuestIommu.Parse(domainXml).ScalableMode)
        {
            if (domain.Element(Qemu + "commandline") is null)
            {
                missing.Add(GuestIommuPart.QemuCommandline);
            }

            missing.Add(GuestIommuPart.ScalableMode);
        }

        return new GuestIommuAddition(missing.ToImmutable());
    }

    /// <summary>
    /// The definition with every missing part added, and the parts added; nothing added when
    /// <see cref="Inspect"/> refuses or finds nothing missing.
    /// </summary>
    /// <exception cref="FormatException">The text is not domain XML.</exception>
    public static (string Xml, ImmutableArray<GuestIommuPart> Added) Add(string domainXml)
    {
        var inspected = Inspect(domainXml);
        if (inspected.Refusal is not null || inspected.Missing.IsEmpty)
        {
            return (domainXml, []);
        }

        var document = Parse(domainXml);
        var domain = document.Root!;
        foreach (var part in inspected.Missing)
        {
            switch (part)
            {
                case GuestIommuPart.Iommu:
                    Child(domain, "devices").Add(new XElement("iommu", new XAttribute("model", "intel"), Driver()));
                    break;
                case GuestIommuPart.IommuDriver:
                    IntelIommu(domain)!.Add(Driver());
                    break;
                case GuestIommuPart.InterruptRemapping:
                    IntelIommu(domain)!.Element("driver")!.SetAttributeValue("intremap", "on");
                    break;
                case GuestIommuPart.CachingMode:
                    IntelIommu(domain)!.Element("driver")!.SetAttributeValue("caching_mode", "on");
                    break;
                case GuestIommuPart.Features:
                    Child(domain, "features");
                    break;
                case GuestIommuPart.Ioapic:
                    domain.Element("features")!.Add(new XElement("ioapic", new XAttribute("driver", "qemu")));
                    break;
                case GuestIommuPart.QemuCommandline:
                    if (domain.GetNamespaceOfPrefix("qemu") != Qemu)
                    {
                        domain.SetAttributeValue(XNamespace.Xmlns + "qemu", Qemu.NamespaceName);
                    }

                    domain.Add(new XElement(Qemu + "commandline"));
                    break;
                case GuestIommuPart.ScalableMode:
                    domain.Element(Qemu + "commandline")!.Add(
                        new XElement(Qemu + "arg", new XAttribute("value", GlobalOption)),
                        new XElement(Qemu + "arg", new XAttribute("value", ScalableModeArgument)));
                    break;
            }
        }

        return (document.ToString(), inspected.Missing);
    }

    /// <summary>
    /// The definition without the given parts, each taken out only while it is still as the engine added it (an
    /// element it created is removed only once nothing else is in it), and the parts taken out.
    /// </summary>
    /// <exception cref="FormatException">The text is not domain XML.</exception>
    public static (string Xml, ImmutableArray<GuestIommuPart> Removed) Remove(string domainXml, IEnumerable<GuestIommuPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var document = Parse(domainXml);
        var domain = document.Root!;
        var removed = ImmutableArray.CreateBuilder<GuestIommuPart>();
        var recorded = parts.ToHashSet();

        // Children before the elements that hold them, so a container the engine created is removed once it is empty.
        foreach (var part in Enum.GetValues<GuestIommuPart>().Where(recorded.Contains).OrderBy(RemovalOrder))
        {
            if (RemoveOne(domain, part))
            {
                removed.Add(part);
            }
        }

        return removed.Count == 0 ? (domainXml, []) : (document.ToString(), removed.ToImmutable());
    }

    /// <summary>The parts as the domain XML they stand for, for plans and messages.</summary>
    public static string Describe(IEnumerable<GuestIommuPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var words = parts.Select(p => p switch
        {
            GuestIommuPart.Iommu => "<iommu model='intel'> with intremap and caching_mode on",
            GuestIommuPart.IommuDriver => "<driver intremap='on' caching_mode='on'/> in <iommu>",
            GuestIommuPart.InterruptRemapping => "intremap='on'",
            GuestIommuPart.CachingMode => "caching_mode='on'",
            GuestIommuPart.Ioapic => "<ioapic driver='qemu'/>",
            GuestIommuPart.ScalableMode => "-global intel-iommu.x-scalable-mode=on",
            _ => null,
        }).OfType<string>().ToList();
        return words.Count == 0 ? "nothing" : string.Join(", ", words);
    }

    /// <summary>Every value the definition gives <c>-global intel-iommu.x-scalable-mode=</c>.</summary>
    internal static IEnumerable<string> ScalableModeValues(XElement domain)
    {
        var arguments = domain.Elements(Qemu + "commandline").Elements(Qemu + "arg").Select(a => (string?)a.Attribute("value") ?? string.Empty).ToList();
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == GlobalOption && arguments[i + 1].StartsWith(ScalableModePrefix, StringComparison.Ordinal))
            {
                yield return arguments[i + 1][ScalableModePrefix.Length..];
            }
        }
    }

    private static bool RemoveOne(XElement domain, GuestIommuPart part)
    {
        var iommu = IntelIommu(domain);
        switch (part)
        {
            case GuestIommuPart.Iommu when iommu is not null:
                iommu.Remove();
                return true;
            case GuestIommuPart.IommuDriver when iommu?.Element("driver") is { } driver:
                driver.Remove();
                return true;
            case GuestIommuPart.InterruptRemapping when iommu?.Element("driver")?.Attribute("intremap") is { Value: "on" } intremap:
                intremap.Remove();
                return true;
            case GuestIommuPart.CachingMode when iommu?.Element("driver")?.Attribute("caching_mode") is { Value: "on" } cachingMode:
                cachingMode.Remove();
                return true;
            case GuestIommuPart.Ioapic when domain.Element("features")?.Element("ioapic") is { } ioapic && (string?)ioapic.Attribute("driver") == "qemu":
                ioapic.Remove();
                return true;
            case GuestIommuPart.Features when domain.Element("features") is { } features && !features.HasElements && !features.HasAttributes:
                features.Remove();
                return true;
            case GuestIommuPart.ScalableMode:
                var arguments = domain.Elements(Qemu + "commandline").Elements(Qemu + "arg").ToList();
                for (var i = 0; i + 1 < arguments.Count; i++)
                {
                    if ((string?)arguments[i].Attribute("value") == GlobalOption && (string?)arguments[i + 1].Attribute("value") == ScalableModeArgument)
                    {
                        arguments[i].Remove();
                        arguments[i + 1].Remove();
                        return true;
                    }
                }

                return false;
            case GuestIommuPart.QemuCommandline when domain.Element(Qemu + "commandline") is { } commandline && !commandline.HasElements:
                commandline.Remove();
                return true;
            default:
                return false;
        }
    }

    private static int RemovalOrder(GuestIommuPart part) => part switch
    {
        GuestIommuPart.Features or GuestIommuPart.QemuCommandline => 1,
        _ => 0,
    };

    private static XElement? IntelIommu(XElement domain) =>
        domain.Element("devices")?.Elements("iommu").FirstOrDefault(i => (string?)i.Attribute("model") == "intel");

    private static XElement Driver() => new("driver", new XAttribute("intremap", "on"), new XAttribute("caching_mode", "on"));

    private static XElement Child(XElement parent, string name)
    {
        if (parent.Element(name) is { } existing)
        {
            return existing;
        }

        var child = new XElement(name);
        parent.Add(child);
        return child;
    }

    private static GuestIommuAddition Refuse(string reason, string fix) => new([], reason, fix);

    private static XElement Root(string domainXml) => Parse(domainXml).Root!;

    private static XDocument Parse(string domainXml)
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

        return document.Root?.Name == "domain" ? document : throw new FormatException("the XML is not a libvirt domain (its root is not <domain>)");
    }
}
