using System.Xml;
using System.Xml.Linq;

namespace HdIov.Engine.Attachments;

/// <summary>
/// What a domain's definition gives its guest of a virtual Intel IOMMU, read as libvirt expresses it: a q35 machine,
/// the split irqchip (<c>&lt;ioapic driver='qemu'/&gt;</c>), <c>&lt;iommu model='intel'&gt;</c> with interrupt
/// remapping and caching mode, and scalable mode, which libvirt has no attribute for and which a definition sets
/// through QEMU's own namespace: a <c>&lt;qemu:override&gt;</c> of the IOMMU's alias, or
/// <c>-global intel-iommu.x-scalable-mode=on</c> in <c>&lt;qemu:commandline&gt;</c>. A guest needs all of it to use
/// PASID: shared work queues of DSA and IAA, QAT's SVM.
/// </summary>
public sealed record GuestIommu(bool Q35, bool SplitIrqchip, bool IntelIommu, bool InterruptRemapping, bool CachingMode, bool ScalableMode)
{
    public const string QemuNamespace = "http://libvirt.org/schemas/domain/qemu/1.0";

    private const string ScalableModeProperty = "x-scalable-mode";

    public static GuestIommu None { get; } = new(false, false, false, false, false, false);

    public bool Complete => Missing.Count == 0;

    /// <summary>What the definition lacks, each as the domain XML that gives it.</summary>
    public IReadOnlyList<string> Missing
    {
        get
        {
            var missing = new List<string>();
            if (!Q35)
            {
                missing.Add("a q35 machine (<type machine='q35'>hvm</type>)");
            }

            if (!SplitIrqchip)
            {
                missing.Add("the split irqchip (<features><ioapic driver='qemu'/></features>)");
            }

            if (!IntelIommu)
            {
                missing.Add("a virtual Intel IOMMU (<iommu model='intel'>)");
            }

            if (!InterruptRemapping || !CachingMode)
            {
                missing.Add("interrupt remapping and caching mode (<driver intremap='on' caching_mode='on'/> in <iommu>)");
            }

            if (!ScalableMode)
            {
                missing.Add($"scalable mode (a <qemu:override> of the IOMMU's alias setting {ScalableModeProperty}, or -global intel-iommu.{ScalableModeProperty}=on in <qemu:commandline>)");
            }

            return missing;
        }
    }

    /// <exception cref="FormatException">The text is not XML.</exception>
    public static GuestIommu Parse(string domainXml)
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

        var domain = document.Root;
        if (domain is null)
        {
            return None;
        }

        var machine = (string?)domain.Element("os")?.Element("type")?.Attribute("machine") ?? string.Empty;
        var iommu = domain.Element("devices")?.Elements("iommu").FirstOrDefault(e => (string?)e.Attribute("model") == "intel");
        var driver = iommu?.Element("driver");
        return new GuestIommu(
            Q35: machine.Contains("q35", StringComparison.Ordinal),
            SplitIrqchip: (string?)domain.Element("features")?.Element("ioapic")?.Attribute("driver") == "qemu",
            IntelIommu: iommu is not null,
            InterruptRemapping: (string?)driver?.Attribute("intremap") == "on",
            CachingMode: (string?)driver?.Attribute("caching_mode") == "on",
            ScalableMode: iommu is not null && (OverridesScalableMode(domain, iommu) || SetsScalableModeGlobally(domain)));
    }

    private static bool OverridesScalableMode(XElement domain, XElement iommu)
    {
        XNamespace qemu = QemuNamespace;
        var alias = (string?)iommu.Element("alias")?.Attribute("name");
        return alias is not null && domain.Elements(qemu + "override").Elements(qemu + "device")
            .Where(d => (string?)d.Attribute("alias") == alias)
            .Elements(qemu + "frontend").Elements(qemu + "property")
            .Any(p => (string?)p.Attribute("name") == ScalableModeProperty && IsOn((string?)p.Attribute("value")));
    }

    private static bool SetsScalableModeGlobally(XElement domain)
    {
        XNamespace qemu = QemuNamespace;
        var arguments = domain.Elements(qemu + "commandline").Elements(qemu + "arg").Select(a => (string?)a.Attribute("value") ?? string.Empty).ToList();
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == "-global" && arguments[i + 1].StartsWith($"intel-iommu.{ScalableModeProperty}=", StringComparison.Ordinal)
                && IsOn(arguments[i + 1][(arguments[i + 1].IndexOf('=', StringComparison.Ordinal) + 1)..]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>QEMU's spellings of a set flag; newer QEMU also takes a mode name for scalable mode.</summary>
    internal static bool IsOn(string? value) => value is "true" or "on" or "yes" or "modern";
}
