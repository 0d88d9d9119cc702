using System.Collections.Immutable;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary>
/// Reads a v1alpha1 document tree into DTOs: the keys each mapping may hold, which of them are always required, and
/// the YAML type of every value. Rules that relate values to each other live in <see cref="ModelConverter"/>.
/// </summary>
internal sealed class DocumentReader(DiagnosticBag diagnostics)
{
    public static readonly string[] RootKeys = ["apiVersion", "kind", "metadata", "spec"];
    public static readonly string[] MetadataKeys = ["name"];
    public static readonly string[] SpecKeys = ["platform", "devices", "attachments"];
    public static readonly string[] PlatformKeys = ["bios", "iommu", "kernelArgs", "hugepages"];
    public static readonly string[] BiosKeys = ["source", "settings", "attributes", "redfish"];
    public static readonly string[] BiosSettingKeys = ["virtualization", "vtd", "sriov", "x2apic", "enqcmd"];
    public static readonly string[] RedfishKeys = ["endpoint", "system", "caCertificate", "insecure"];
    public static readonly string[] IommuKeys = ["mode", "passthrough"];
    public static readonly string[] HugepageKeys = ["size", "perNode"];
    public static readonly string[] DeviceKeys = ["name", "select", "mode", "services", "vdevs", "vfs", "ownership", "onHeld"];
    public static readonly string[] SelectorKeys = ["driver", "pciAddress", "vendor", "device", "parent"];
    public static readonly string[] VfsKeys = ["count", "driver"];
    public static readonly string[] AttachmentKeys = ["vdevs", "vm", "container", "qemu", "onHeld"];
    public static readonly string[] VmKeys = ["name", "uri", "live", "guestIommu"];
    public static readonly string[] ContainerKeys = ["cdi"];
    public static readonly string[] QemuKeys = ["name", "argumentsFile", "iommu"];

    public HostStateDto Read(MappingReader root)
    {
        var metadata = root.Open("metadata", MetadataKeys, required: true, hint: "add 'metadata: { name: <host name> }'");
        var spec = root.Open("spec", SpecKeys, required: true, hint: "add 'spec:' with the devices (and optionally platform and attachments)");
        return new HostStateDto(
            metadata is null ? null : new MetadataDto(metadata.Text("name", required: true, hint: "add 'name: <host name>'; it identifies the host and seeds the VDEV UUIDs")),
            spec is null ? null : ReadSpec(spec));
    }

    private HostSpecDto ReadSpec(MappingReader spec)
    {
        var platform = spec.Open("platform", PlatformKeys);
        return new HostSpecDto(
            platform is null ? null : ReadPlatform(platform),
            Items(spec, "devices").Select(item => ReadDevice(item.Node, item.Path)).OfType<DeviceDto>().ToImmutableArray(),
            Items(spec, "attachments").Select(item => ReadAttachment(item.Node, item.Path)).OfType<AttachmentDto>().ToImmutableArray());
    }

    private PlatformDto ReadPlatform(MappingReader platform)
    {
        var bios = platform.Open("bios", BiosKeys);
        var iommu = platform.Open("iommu", IommuKeys);
        return new PlatformDto(
            bios is null ? null : ReadBios(bios),
            iommu is null ? null : new IommuDto(
                iommu.Text("mode", required: true, hint: "add 'mode: scalable', 'mode: legacy' or 'mode: off'"),
                iommu.Boolean("passthrough")),
            Texts(platform, "kernelArgs"),
            [.. Items(platform, "hugepages").Select(item => ReadHugepage(item.Node, item.Path)).OfType<HugepageDto>()]);
    }

    private BiosDto ReadBios(MappingReader bios)
    {
        var settings = ImmutableArray.CreateBuilder<EntryDto<string>>();
        if (bios.Open("settings", BiosSettingKeys) is { } settingsReader)
        {
            foreach (var (key, node) in settingsReader.Entries)
            {
                if (NodeReader.Text(node, key.Path, diagnostics) is { } value)
                {
                    settings.Add(new EntryDto<string>(key, value));
                }
            }
        }

        var attributes = ImmutableArray.CreateBuilder<EntryDto<string>>();
        if (bios.Node("attributes") is { } attributesNode && NodeReader.Mapping(attributesNode, bios.ChildPath("attributes"), diagnostics) is { } attributesMapping)
        {
            foreach (var (key, entry) in MappingReader.KeyedEntries(attributesMapping, bios.ChildPath("attributes"), diagnostics))
            {
                if (AttributeValue(entry.Value, key.Path) is { } value)
                {
                    attributes.Add(new EntryDto<string>(key, value));
                }
            }
        }

        var redfish = bios.Open("redfish", RedfishKeys) is { } redfishReader
            ? new RedfishDto(
                redfishReader.Text("endpoint", required: true, hint: "add 'endpoint: https://<bmc address>'; the account is given to the command, never written in the spec"),
                redfishReader.Text("system"),
                redfishReader.Text("caCertificate"),
                redfishReader.Boolean("insecure"),
                bios.KeyLocation("redfish"),
                bios.ChildPath("redfish"))
            : null;
        return new BiosDto(bios.Text("source"), settings.ToImmutable(), attributes.ToImmutable(), redfish);
    }

    /// <summary>Raw BIOS attribute values are text, numbers or booleans in vendor registries; all are kept as text.</summary>
    private Located<string>? AttributeValue(SpecNode node, string path) => node switch
    {
        SpecScalar { Kind: ScalarKind.Null } => NodeReader.Text(node, path, diagnostics),
        SpecScalar { Kind: ScalarKind.Float } => NodeReader.Text(node, path, diagnostics),
        SpecScalar scalar => new Located<string>(scalar.Value, scalar.Location, path),
        _ => NodeReader.Text(node, path, diagnostics),
    };

    private HugepageDto? ReadHugepage(SpecNode node, string path)
    {
        if (MappingReader.Open(node, path, HugepageKeys, diagnostics) is not { } pool)
        {
            return null;
        }

        return new HugepageDto(
            pool.Text("size", required: true, hint: "add 'size: 2Mi' or 'size: 1Gi'"),
            pool.Integer("perNode", required: true, hint: "add 'perNode: <pages on each NUMA node>'"),
            pool.Location,
            path);
    }

    private DeviceDto? ReadDevice(SpecNode node, string path)
    {
        if (MappingReader.Open(node, path, DeviceKeys, diagnostics) is not { } device)
        {
            return null;
        }

        var name = device.Text("name", required: true, hint: "add 'name: <entry name>'; VDEV names start with it, e.g. qat/0/asym/0");
        var select = device.Open("select", SelectorKeys, required: true, hint: "add 'select:' with one of driver, pciAddress, vendor + device, or parent");
        var vdevs = device.Node("vdevs");
        var vfs = device.Open("vfs", VfsKeys);
        return new DeviceDto(
            name,
            select is null ? null : ReadSelector(select),
            device.Text("mode", required: true, hint: "add 'mode: siov', 'mode: sriov' or 'mode: none'"),
            Texts(device, "services"),
            vdevs is null ? null : ReadVdevs(vdevs, device.ChildPath("vdevs")),
            vfs is null ? null : new VfsDto(
                vfs.Integer("count", required: true, hint: "add 'count: <number of VFs>'"),
                vfs.Text("driver")),
            device.Text("ownership"),
            device.Entries.ToImmutableDictionary(e => e.Key.Value, e => e.Key.Location, StringComparer.Ordinal),
            device.Location,
            path)
        {
            OnHeld = device.Text("onHeld"),
        };
    }

    private SelectorDto ReadSelector(MappingReader select)
    {
        var addresses = ImmutableArray<Located<string>>.Empty;
        var isList = false;
        if (select.Node("pciAddress") is { } addressNode)
        {
            if (addressNode is SpecSequence sequence)
            {
                isList = true;
                addresses = ItemTexts(sequence, select.ChildPath("pciAddress"));
            }
            else if (NodeReader.Text(addressNode, select.ChildPath("pciAddress"), diagnostics) is { } single)
            {
                addresses = [single];
            }
        }

        return new SelectorDto(
            select.Text("driver"),
            addresses,
            isList,
            select.Text("vendor"),
            select.Text("device"),
            select.Text("parent"),
            [.. SelectorKeys.Where(select.Has)],
            select.Location,
            select.Path);
    }

    private VdevsDto? ReadVdevs(SpecNode node, string path)
    {
        if (NodeReader.Mapping(node, path, diagnostics) is not { } mapping)
        {
            return null;
        }

        var counts = ImmutableArray.CreateBuilder<EntryDto<long>>();
        var entries = MappingReader.KeyedEntries(mapping, path, diagnostics);
        foreach (var (key, entry) in entries)
        {
            if (NodeReader.Integer(entry.Value, key.Path, diagnostics) is { } count)
            {
                counts.Add(new EntryDto<long>(key, count));
            }
        }

        return new VdevsDto(counts.ToImmutable(), counts.Count == entries.Length);
    }

    private AttachmentDto? ReadAttachment(SpecNode node, string path)
    {
        if (MappingReader.Open(node, path, AttachmentKeys, diagnostics) is not { } attachment)
        {
            return null;
        }

        var vdevs = attachment.Sequence("vdevs", required: true, hint: "add 'vdevs: [<device>/<pf>/<type>/<n>, ...]', e.g. [qat/0/asym/0]");
        var vm = attachment.Open("vm", VmKeys);
        var container = attachment.Open("container", ContainerKeys);
        var qemu = attachment.Open("qemu", QemuKeys);
        return new AttachmentDto(
            vdevs is null ? [] : ItemTexts(vdevs, attachment.ChildPath("vdevs")),
            vdevs is not null,
            vm is null ? null : new VmDto(
                vm.Text("name", required: true, hint: "add 'name: <libvirt domain name>'"),
                vm.Text("uri"),
                vm.Boolean("live"),
                attachment.KeyLocation("vm"),
                vm.Path) { GuestIommu = vm.Text("guestIommu") },
            container is null ? null : new ContainerDto(container.Boolean("cdi"), attachment.KeyLocation("container"), container.Path),
            attachment.Location,
            path)
        {
            Qemu = qemu is null ? null : new QemuDto(
                qemu.Text("name", required: true, hint: "add 'name: <VM name>'; it names the arguments file and the VM in it"),
                qemu.Text("argumentsFile"),
                qemu.Boolean("iommu"),
                attachment.KeyLocation("qemu"),
                qemu.Path),
            OnHeld = attachment.Text("onHeld"),
        };
    }

    private static ImmutableArray<(SpecNode Node, string Path)> Items(MappingReader parent, string key) =>
        parent.Sequence(key) is { } sequence
            ? [.. sequence.Items.Select((item, index) => (item, SpecPath.Item(parent.ChildPath(key), index)))]
            : [];

    private ImmutableArray<Located<string>> Texts(MappingReader parent, string key) =>
        parent.Sequence(key) is { } sequence ? ItemTexts(sequence, parent.ChildPath(key)) : [];

    private ImmutableArray<Located<string>> ItemTexts(SpecSequence sequence, string path) =>
        [.. sequence.Items
            .Select((item, index) => NodeReader.Text(item, SpecPath.Item(path, index), diagnostics))
            .OfType<Located<string>>()];
}
