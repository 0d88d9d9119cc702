using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Spec.V1Alpha1;

// The hdiov.dev/v1alpha1 document as written, top to bottom: every value keeps its position and key path, and
// nothing here is validated beyond its YAML type. ModelConverter turns these into the Model. A section that is
// absent from the file is null; a list that is absent is empty.

internal sealed record HostStateDto(MetadataDto? Metadata, HostSpecDto? Spec);

internal sealed record MetadataDto(Located<string>? Name);

internal sealed record HostSpecDto(PlatformDto? Platform, ImmutableArray<DeviceDto> Devices, ImmutableArray<AttachmentDto> Attachments);

internal sealed record PlatformDto(
    BiosDto? Bios,
    IommuDto? Iommu,
    ImmutableArray<Located<string>> KernelArgs,
    ImmutableArray<HugepageDto> Hugepages);

internal sealed record BiosDto(
    Located<string>? Source,
    ImmutableArray<EntryDto<string>> Settings,
    ImmutableArray<EntryDto<string>> Attributes,
    RedfishDto? Redfish);

internal sealed record RedfishDto(
    Located<string>? Endpoint,
    Located<string>? System,
    Located<string>? CaCertificate,
    Located<bool>? Insecure,
    SourceLocation KeyLocation,
    string Path);

internal sealed record IommuDto(Located<string>? Mode, Located<bool>? Passthrough);

internal sealed record HugepageDto(Located<string>? Size, Located<long>? PerNode, SourceLocation Location, string Path);

/// <summary><see cref="KeyLocations"/> has every key the entry wrote, even one whose value could not be read.</summary>
internal sealed record DeviceDto(
    Located<string>? Name,
    SelectorDto? Select,
    Located<string>? Mode,
    ImmutableArray<Located<string>> Services,
    VdevsDto? Vdevs,
    VfsDto? Vfs,
    Located<string>? Ownership,
    ImmutableDictionary<string, SourceLocation> KeyLocations,
    SourceLocation Location,
    string Path)
{
    public Located<string>? OnHeld { get; init; }
}

/// <summary><see cref="PciAddresses"/> holds one address for <c>pciAddress: "x"</c> and all of them for the list form.</summary>
internal sealed record SelectorDto(
    Located<string>? Driver,
    ImmutableArray<Located<string>> PciAddresses,
    bool PciAddressIsList,
    Located<string>? Vendor,
    Located<string>? Device,
    Located<string>? Parent,
    ImmutableArray<string> KeysPresent,
    SourceLocation Location,
    string Path);

/// <summary><see cref="Complete"/> is false when some entry could not be read (its problem is already reported).</summary>
internal sealed record VdevsDto(ImmutableArray<EntryDto<long>> Counts, bool Complete);

internal sealed record VfsDto(Located<long>? Count, Located<string>? Driver);

/// <summary><see cref="HasVdevsKey"/>: the key was there and held a list (a missing key or a non-list is already reported).</summary>
internal sealed record AttachmentDto(
    ImmutableArray<Located<string>> Vdevs,
    bool HasVdevsKey,
    VmDto? Vm,
    ContainerDto? Container,
    SourceLocation Location,
    string Path)
{
    public QemuDto? Qemu { get; init; }

    public Located<string>? OnHeld { get; init; }
}

internal sealed record VmDto(Located<string>? Name, Located<string>? Uri, Located<bool>? Live, SourceLocation KeyLocation, string Path)
{
    public Located<string>? GuestIommu { get; init; }
}

internal sealed record ContainerDto(Located<bool>? Cdi, SourceLocation KeyLocation, string Path);

internal sealed record QemuDto(Located<string>? Name, Located<string>? ArgumentsFile, Located<bool>? Iommu, SourceLocation KeyLocation, string Path);

/// <summary>One entry of a mapping whose keys are data (vdev types, BIOS settings and attributes).</summary>
internal sealed record EntryDto<T>(Located<string> Key, Located<T> Value);
