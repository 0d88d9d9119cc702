using System.Text.Json.Serialization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Platform.BootLoaders;

namespace HdIov.Engine.Planning;

/// <summary>The concrete host change a step makes. Each kind has one handler in Execution.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(CreateMdev), "createMdev")]
[JsonDerivedType(typeof(RemoveMdev), "removeMdev")]
[JsonDerivedType(typeof(PersistMdev), "persistMdev")]
[JsonDerivedType(typeof(AdoptMdev), "adoptMdev")]
[JsonDerivedType(typeof(ConfigureQat), "configureQat")]
[JsonDerivedType(typeof(RestoreQatConfiguration), "restoreQatConfiguration")]
[JsonDerivedType(typeof(SetVfCount), "setVfCount")]
[JsonDerivedType(typeof(BindVfDriver), "bindVfDriver")]
[JsonDerivedType(typeof(RestoreVfs), "restoreVfs")]
[JsonDerivedType(typeof(ForgetBaseline), "forgetBaseline")]
[JsonDerivedType(typeof(SetBootArguments), "setBootArguments")]
[JsonDerivedType(typeof(SetFirmwareAttribute), "setFirmwareAttribute")]
[JsonDerivedType(typeof(SetRedfishBiosAttributes), "setRedfishBiosAttributes")]
[JsonDerivedType(typeof(SetHugepages), "setHugepages")]
[JsonDerivedType(typeof(WriteCdiSpec), "writeCdiSpec")]
[JsonDerivedType(typeof(AttachVdevToVm), "attachVdevToVm")]
[JsonDerivedType(typeof(DetachVdevFromVm), "detachVdevFromVm")]
[JsonDerivedType(typeof(RecordAttachment), "recordAttachment")]
[JsonDerivedType(typeof(ForgetAttachment), "forgetAttachment")]
[JsonDerivedType(typeof(AddGuestIommu), "addGuestIommu")]
[JsonDerivedType(typeof(RemoveGuestIommu), "removeGuestIommu")]
[JsonDerivedType(typeof(RecordGuestIommu), "recordGuestIommu")]
[JsonDerivedType(typeof(WriteQemuArgumentsFile), "writeQemuArgumentsFile")]
[JsonDerivedType(typeof(RemoveQemuArgumentsFile), "removeQemuArgumentsFile")]
public abstract record StepOperation
{
    public abstract string Describe();
}

/// <summary>
/// Create a mediated device and, when <see cref="Persist"/> says so, persist it for reboots. <see cref="Origin"/> is
/// recorded in the ledger; absent means declared by a spec.
/// </summary>
public sealed record CreateMdev(string Parent, string Type, Guid Uuid, string VdevName, Persistence Persist, VdevOrigin? Origin = null) : StepOperation
{
    public override string Describe() => $"create {Type} {Uuid} on {Parent}";
}

/// <summary>Remove a mediated device and its persisted definition.</summary>
public sealed record RemoveMdev(string Parent, string Type, Guid Uuid, string? VdevName) : StepOperation
{
    public override string Describe() => $"remove {Type} {Uuid} from {Parent}";
}

/// <summary>Record a live VDEV as owned and write its persisted definition; <see cref="Origin"/> as in <see cref="CreateMdev"/>.</summary>
public sealed record PersistMdev(string Parent, string Type, Guid Uuid, string VdevName, Persistence Persist, VdevOrigin? Origin = null) : StepOperation
{
    public override string Describe() => $"persist {Type} {Uuid} on {Parent} ({Persist})";
}

/// <summary>
/// Take over a VDEV under a spec name and persist it: one the engine did not create (<c>ownership: adopt</c>), or
/// one created on request that the spec now declares.
/// </summary>
public sealed record AdoptMdev(string Parent, string Type, Guid Uuid, string VdevName, Persistence Persist) : StepOperation
{
    public override string Describe() => $"adopt {Type} {Uuid} on {Parent} as {VdevName}";
}

/// <summary>Write <c>sriov_numvfs</c> (to 0 first when changing a non-zero count: the kernel answers EBUSY otherwise).</summary>
/// <remarks><paramref name="Entry"/> and <paramref name="PfOrdinal"/> name the device entry (and the PF's place in it)
/// that declares the VFs; the ledger keeps them so an export gives the VF set back under that entry's name.
/// With <paramref name="WithoutProbe"/> the VFs are created with the PF's <c>sriov_drivers_autoprobe</c> off (and it is
/// put back as found), so no driver binds them before their declared one does: a default VF driver that probes
/// and later lets go of a VF (nvme does, from a work item) can otherwise unbind whatever driver took it since.</remarks>
public sealed record SetVfCount(PciAddress Pf, int From, int To, string? Entry = null, int? PfOrdinal = null, bool WithoutProbe = false) : StepOperation
{
    public override string Describe() => $"set {Pf} sriov_numvfs {From} -> {To}";
}

/// <summary>Bind a VF to a driver through <c>driver_override</c>, unbind and <c>drivers_probe</c>.</summary>
public sealed record BindVfDriver(PciAddress Vf, string? From, string Driver) : StepOperation
{
    public override string Describe() => $"bind {Vf} to {Driver}";
}

/// <summary>
/// Give a released PF its SR-IOV state back as the ledger recorded it before the engine first changed it: the VF count
/// (created with <c>sriov_drivers_autoprobe</c> as it was), then each recorded VF's <c>driver_override</c> and driver.
/// </summary>
public sealed record RestoreVfs(PciAddress Pf, int From, int To, string? DriversAutoprobe, IReadOnlyList<VfDriverBaseline> Drivers) : StepOperation
{
    public override string Describe() => From == To
        ? $"give {Pf}'s {To} VFs their drivers back"
        : $"set {Pf} sriov_numvfs {From} -> {To} as it was before HdIov changed it";
}

/// <summary>
/// Forget what a released PF held before the engine changed it: the last step of a release, once everything was given back.
/// </summary>
public sealed record ForgetBaseline(string Pf) : StepOperation
{
    public override string Describe() => $"forget {Pf}: it is back as it was before HdIov changed it";
}

/// <summary>Set the kernel arguments every boot entry gets, through the host's boot loader (update-grub, grubby or kernel-install).</summary>
public sealed record SetBootArguments(string Before, string After, BootLoaderKind BootLoader = BootLoaderKind.Grub) : StepOperation
{
    public override string Describe() => $"set kernel arguments to \"{After}\" and {HdIov.Engine.Platform.BootLoaders.BootLoader.For(BootLoader)?.Action ?? "reconfigure the boot loader"}";
}

/// <summary>Set a BIOS attribute through the firmware-attributes class; the firmware applies it at the next boot.</summary>
public sealed record SetFirmwareAttribute(string Driver, string Name, string From, string To) : StepOperation
{
    public override string Describe() => $"set BIOS {Name} {From} -> {To}";
}

/// <summary>
/// Write BIOS attributes into a BMC's pending settings object (<see cref="SettingsPath"/>) with one Redfish PATCH, sent
/// with <c>If-Match: <see cref="ETag"/></c> when the service gave one; the firmware applies them at the next reboot.
/// </summary>
public sealed record SetRedfishBiosAttributes(string Endpoint, string SystemId, string SettingsPath, string? ETag, IReadOnlyList<RedfishAttributeChange> Attributes) : StepOperation
{
    public override string Describe() =>
        $"set BIOS {string.Join(", ", Attributes.Select(a => $"{a.Name} {a.From ?? "(unset)"} -> {a.To}"))} through Redfish ({SystemId} at {Endpoint})";
}

/// <summary>Set the persistent hugepages of one size on one NUMA node.</summary>
public sealed record SetHugepages(int Node, long SizeKiB, int From, int To) : StepOperation
{
    public override string Describe() => $"set node{Node} {SizeKiB} kB hugepages {From} -> {To}";
}

/// <summary>Write the CDI spec that names the container-attached VDEVs (their IOMMU groups are read when it is written).</summary>
public sealed record WriteCdiSpec(string Path, IReadOnlyList<CdiDeviceEntry> Devices) : StepOperation
{
    public override string Describe() => Devices.Count == 0 ? $"delete {Path}" : $"write {Path} with {Devices.Count} devices";
}

/// <summary>One CDI device: its name (<c>hdiov.dev/vdev=&lt;name&gt;</c>) and the VDEV it stands for.</summary>
public sealed record CdiDeviceEntry(string Name, string VdevName, Guid Uuid);

/// <summary>
/// Add a VDEV or VF to a libvirt domain as a hostdev, in the <see cref="Scope"/> where it is missing. The attachment is
/// recorded in the ledger first (as <see cref="Imperative"/> when a command, not a spec, asked for it).
/// </summary>
public sealed record AttachVdevToVm(string Uri, string Domain, VmDevice Device, DomainChangeScope Scope, bool Live, bool Imperative) : StepOperation
{
    public override string Describe() => $"attach {Device.Label} to VM {Domain} ({AttachmentScopes.Describe(Scope)})";
}

/// <summary>Remove a VDEV or VF hostdev from a libvirt domain in <see cref="Scope"/>, then drop its ledger record.</summary>
public sealed record DetachVdevFromVm(string Uri, string Domain, VmDevice Device, DomainChangeScope Scope) : StepOperation
{
    public override string Describe() => $"detach {Device.Label} from VM {Domain} ({AttachmentScopes.Describe(Scope)})";
}

/// <summary>Record an attachment that is already in place as owned (adopting one a command or someone else made).</summary>
public sealed record RecordAttachment(LedgerEntry Entry) : StepOperation
{
    public override string Describe() => $"record {AttachmentScopes.Label(Entry)} as {(Entry.Attachment?.Imperative == true ? "attached by a command" : "declared")}";
}

/// <summary>Drop the record of an attachment that is gone (its domain or hostdev was removed outside the engine).</summary>
public sealed record ForgetAttachment(LedgerEntry Entry) : StepOperation
{
    public override string Describe() => $"forget {AttachmentScopes.Label(Entry)}";
}

/// <summary>
/// Add the missing parts of a scalable-mode guest vIOMMU to a shut-off domain's persistent definition: read it
/// inactive, add what is still missing, <c>virDomainDefineXML</c>. The ledger records the parts added (with those an
/// earlier step added) and the VDEVs whose attachments ask for them.
/// </summary>
public sealed record AddGuestIommu(string Uri, string Domain, IReadOnlyList<GuestIommuPart> Parts, IReadOnlyList<string> Vdevs) : StepOperation
{
    public override string Describe() => $"add {GuestIommuDefinition.Describe(Parts)} to the definition of VM {Domain}";
}

/// <summary>Take the guest vIOMMU parts the engine added out of a shut-off domain's definition, then drop their record.</summary>
public sealed record RemoveGuestIommu(string Uri, string Domain, IReadOnlyList<GuestIommuPart> Parts) : StepOperation
{
    public override string Describe() => $"remove {GuestIommuDefinition.Describe(Parts)} (added by HdIov) from the definition of VM {Domain}";
}

/// <summary>Rewrite the record of a domain's guest vIOMMU: which VDEVs' attachments ask for it now; the domain is not touched.</summary>
public sealed record RecordGuestIommu(LedgerEntry Entry) : StepOperation
{
    public override string Describe() =>
        $"record the vIOMMU of VM {Entry.Attachment?.Domain} as asked for by {(Entry.GuestIommu is { Vdevs.Count: > 0 } r ? string.Join(", ", r.Vdevs) : "no attachment")}";
}

/// <summary>
/// Write the include file of a QEMU VM started by hand with the arguments of <see cref="Devices"/> (after the guest
/// vIOMMU's when <see cref="Iommu"/> is set); the ledger records the file before it is written.
/// </summary>
public sealed record WriteQemuArgumentsFile(string Path, string VmName, IReadOnlyList<VmDevice> Devices, bool Iommu) : StepOperation
{
    public override string Describe() => $"write {Path} with the QEMU arguments of {Devices.Count} VDEVs for VM {VmName}";

    /// <summary>The file's text, the same for the same devices.</summary>
    public string Render() => QemuArgumentsFile.Render(VmName, QemuDeviceArguments.For(Devices, Iommu));
}

/// <summary>Delete a QEMU arguments file the engine wrote and no attachment declares any more, then forget it.</summary>
public sealed record RemoveQemuArgumentsFile(string Path) : StepOperation
{
    public override string Describe() => $"delete {Path}";
}
