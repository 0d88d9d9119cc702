using HdIov.Engine.Model;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// The engine's spec model written back as resource inputs, spelled as the spec document spells them: the inputs of
/// the Host component's children, and of imported resources. Check accepts them and they diff to nothing against a
/// resource declared with the same document text.
/// </summary>
internal static class SpecInputs
{
    public static PropertyMap Device(DeviceSpec device)
    {
        var select = new List<(string, PropertyValue)>();
        var selector = device.Select;
        if (selector.PciAddress is { } address)
        {
            select.Add(("pciAddress", PropertyValue.From(address.ToString())));
        }
        else if (!selector.PciAddresses.IsDefaultOrEmpty)
        {
            select.Add(("pciAddresses", Outputs.Texts(selector.PciAddresses.Select(a => a.ToString()))));
        }
        else if (selector.Parent is { } parent)
        {
            select.Add(("parent", PropertyValue.From(parent)));
        }
        else if (selector.Driver is { } driver)
        {
            select.Add(("driver", PropertyValue.From(driver)));
        }
        else
        {
            select.Add(("vendor", Outputs.Text(selector.Vendor)));
            select.Add(("device", Outputs.Text(selector.Device)));
        }

        var fields = new List<(string, PropertyValue)>
        {
            ("name", PropertyValue.From(device.Name)),
            ("select", Outputs.Object([.. select])),
            ("mode", PropertyValue.From(device.Mode.ToString().ToLowerInvariant())),
        };
        if (!device.Services.IsDefaultOrEmpty)
        {
            fields.Add(("services", Outputs.Texts(device.Services)));
        }

        if (device.Mode == SplitMode.Siov)
        {
            fields.Add(("vdevs", PropertyValue.From(new PropertyMap(device.Vdevs.Select(v => KeyValuePair.Create(v.Key, PropertyValue.From(v.Value)))))));
        }

        if (device.Vfs is { } vfs)
        {
            fields.Add(("vfs", vfs.Driver is null
                ? Outputs.Object(("count", PropertyValue.From(vfs.Count)))
                : Outputs.Object(("count", PropertyValue.From(vfs.Count)), ("driver", PropertyValue.From(vfs.Driver)))));
        }

        if (device.Ownership != OwnershipPolicy.Keep)
        {
            fields.Add(("ownership", PropertyValue.From(device.Ownership.ToString().ToLowerInvariant())));
        }

        return Map(fields);
    }

    public static bool IsDeclared(PlatformSpec platform) =>
        platform.Bios is not null || platform.Iommu is not null || !platform.KernelArgs.IsDefaultOrEmpty || !platform.Hugepages.IsDefaultOrEmpty;

    public static PropertyMap Platform(PlatformSpec platform)
    {
        var fields = new List<(string, PropertyValue)>();
        if (platform.Bios is { } bios)
        {
            var biosFields = new List<(string, PropertyValue)> { ("source", PropertyValue.From(BiosSourceText(bios.Source))) };
            if (bios.Settings.Count > 0)
            {
                biosFields.Add(("settings", Texts(bios.Settings)));
            }

            if (bios.Attributes.Count > 0)
            {
                biosFields.Add(("attributes", Texts(bios.Attributes)));
            }

            fields.Add(("bios", Outputs.Object([.. biosFields])));
        }

        if (platform.Iommu is { } iommu)
        {
            fields.Add(("iommu", iommu.Passthrough is { } passthrough
                ? Outputs.Object(("mode", PropertyValue.From(iommu.Mode.ToString().ToLowerInvariant())), ("passthrough", PropertyValue.From(passthrough)))
                : Outputs.Object(("mode", PropertyValue.From(iommu.Mode.ToString().ToLowerInvariant())))));
        }

        if (!platform.KernelArgs.IsDefaultOrEmpty)
        {
            fields.Add(("kernelArgs", Outputs.Texts(platform.KernelArgs)));
        }

        if (!platform.Hugepages.IsDefaultOrEmpty)
        {
            fields.Add(("hugepages", PropertyValue.From(platform.Hugepages.Select(h => Outputs.Object(
                ("size", PropertyValue.From(HugepageSizeText(h.SizeKiB))),
                ("perNode", PropertyValue.From(h.PerNode)))))));
        }

        return Map(fields);
    }

    public static PropertyMap Attachment(AttachmentSpec attachment)
    {
        var vdevs = ("vdevs", Outputs.Texts(attachment.Vdevs.Select(v => v.ToString())));
        (string, PropertyValue)[] onHeld = attachment.OnHeld == HeldPolicy.Refuse ? [] : [("onHeld", PropertyValue.From(attachment.OnHeld.ToString().ToLowerInvariant()))];
        return attachment.Vm is { } vm
            ? Map([vdevs, ("vm", Outputs.Object([("name", PropertyValue.From(vm.Name)), ("uri", PropertyValue.From(vm.Uri)), ("live", PropertyValue.From(vm.Live)),
                .. vm.GuestIommu == GuestIommuPolicy.Add ? [("guestIommu", PropertyValue.From("add"))] : Array.Empty<(string, PropertyValue)>()])), .. onHeld])
            : Map([vdevs, ("container", Outputs.Object(("cdi", PropertyValue.From(attachment.Container?.Cdi ?? true)))), .. onHeld]);
    }

    /// <summary>The document's page-size words; the engine knows only these two pool sizes.</summary>
    public static string HugepageSizeText(long sizeKiB) => sizeKiB switch
    {
        2048 => "2Mi",
        1024 * 1024 => "1Gi",
        _ => $"{sizeKiB}Ki",
    };

    private static string BiosSourceText(BiosSource source) => source switch
    {
        BiosSource.FirmwareAttributes => "firmware-attributes",
        BiosSource.Redfish => "redfish",
        _ => "none",
    };

    private static PropertyValue Texts(IEnumerable<KeyValuePair<string, string>> pairs) =>
        PropertyValue.From(new PropertyMap(pairs.Select(p => KeyValuePair.Create(p.Key, PropertyValue.From(p.Value)))));

    private static PropertyMap Map(IEnumerable<(string Key, PropertyValue Value)> fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
}
