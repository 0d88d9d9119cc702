using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary>
/// <c>spec.attachments</c>: each VDEV name must resolve to a declared entry, one of its types and an ordinal below
/// its count (HDIOV1011); a VDEV goes to one target; each attachment names exactly one of vm, container or qemu, and
/// each QEMU arguments file is written for one attachment.
/// </summary>
internal sealed class AttachmentConverter(ValueRules rules, IReadOnlyDictionary<string, DeclaredDevice> declared)
{
    public const string DefaultVmUri = "qemu:///system";
    public const int MaxUriLength = Attachments.LibvirtUri.MaxLength;

    private readonly Dictionary<VdevName, SourceLocation> _attached = [];
    private readonly Dictionary<string, SourceLocation> _argumentsFiles = new(StringComparer.Ordinal);

    private DiagnosticBag Diagnostics => rules.Diagnostics;

    public ImmutableArray<AttachmentSpec> Convert(ImmutableArray<AttachmentDto> attachments)
    {
        var result = ImmutableArray.CreateBuilder<AttachmentSpec>(attachments.Length);
        foreach (var attachment in attachments)
        {
            var vdevs = ConvertVdevs(attachment);
            var target = ConvertTarget(attachment);
            var qemu = target is not null && attachment.Qemu is { } qemuDto ? ConvertQemu(qemuDto) : null;
            var onHeld = attachment.OnHeld is { } onHeldText
                ? rules.Choice(onHeldText, [("refuse", HeldPolicy.Refuse), ("detach", HeldPolicy.Detach)], "onHeld policies")
                : HeldPolicy.Refuse;
            if (vdevs is { } names && target is { } chosen && (attachment.Qemu is null || qemu is not null) && onHeld is { } policy)
            {
                result.Add(new AttachmentSpec(names, chosen.Vm, chosen.Container, attachment.Location) { Qemu = qemu, OnHeld = policy });
            }
        }

        return result.ToImmutable();
    }

    private ImmutableArray<VdevName>? ConvertVdevs(AttachmentDto attachment)
    {
        var result = ImmutableArray.CreateBuilder<VdevName>(attachment.Vdevs.Length);
        var inThis = new Dictionary<VdevName, SourceLocation>();
        foreach (var text in attachment.Vdevs)
        {
            if (!VdevName.TryParse(text.Value, out var vdev))
            {
                Diagnostics.Error(
                    DiagnosticCodes.InvalidName,
                    text,
                    $"'{SpecText.Show(text.Value)}' is not a VDEV name",
                    "write <device entry>/<PF ordinal>/<type>/<ordinal>, e.g. qat/0/asym/0");
            }
            else if (Resolves(vdev, text) && rules.FirstOf(inThis, vdev, text, $"the VDEV {vdev}", DiagnosticCodes.DuplicateName))
            {
                if (_attached.TryGetValue(vdev, out var other))
                {
                    Diagnostics.Error(
                        DiagnosticCodes.ConflictingFields,
                        text,
                        $"the VDEV {vdev} is already attached at line {other.Line}",
                        "a VDEV goes to one VM or container; remove it from one of the attachments");
                }
                else
                {
                    _attached.Add(vdev, text.Location);
                    result.Add(vdev);
                }
            }
        }

        if (attachment.Vdevs.IsEmpty && attachment.HasVdevsKey)
        {
            Diagnostics.Error(
                DiagnosticCodes.InvalidValue,
                attachment.Location,
                SpecPath.Child(attachment.Path, "vdevs"),
                "the attachment lists no VDEVs",
                "list the VDEVs to attach, e.g. [qat/0/asym/0], or remove the attachment");
            return null;
        }

        return result.Count == attachment.Vdevs.Length && attachment.HasVdevsKey ? result.ToImmutable() : null;
    }

    private bool Resolves(VdevName vdev, Located<string> text)
    {
        if (!declared.TryGetValue(vdev.Device, out var device))
        {
            var closest = SpecText.Closest(vdev.Device, declared.Keys);
            Diagnostics.Error(
                DiagnosticCodes.UnknownReference,
                text,
                $"'{vdev}' refers to the device entry '{vdev.Device}', which spec.devices does not declare",
                closest is not null ? $"did you mean '{closest}'?"
                : declared.Count == 0 ? $"declare a device entry named '{vdev.Device}' in spec.devices"
                : $"declare it, or use one of: {string.Join(", ", declared.Keys)}");
            return false;
        }

        if (device.Mode is { } mode && mode != SplitMode.Siov)
        {
            Diagnostics.Error(
                DiagnosticCodes.UnknownReference,
                text,
                $"'{vdev}' refers to '{vdev.Device}', which is in mode {mode.ToString().ToLowerInvariant()} and has no VDEVs",
                "attach VDEVs of a device entry in mode siov");
            return false;
        }

        // Without a valid mode or vdevs the entry's own diagnostics already say what is wrong.
        if (device.Mode is null || device.Vdevs is not { } types)
        {
            return false;
        }

        if (!types.TryGetValue(vdev.Type, out var count))
        {
            Diagnostics.Error(
                DiagnosticCodes.UnknownReference,
                text,
                $"'{vdev}': the device entry '{vdev.Device}' declares no VDEV type '{vdev.Type}'",
                types.Count == 0 ? $"add '{vdev.Type}' to its vdevs" : SpecText.SuggestionHint(vdev.Type, [.. types.Keys], "its types are"));
            return false;
        }

        if (vdev.Ordinal >= count)
        {
            Diagnostics.Error(
                DiagnosticCodes.UnknownReference,
                text,
                count == 0
                    ? $"'{vdev}': '{vdev.Device}' declares 0 '{vdev.Type}' VDEVs"
                    : $"'{vdev}': '{vdev.Device}' declares {count} '{vdev.Type}' VDEVs per PF, numbered 0 to {count - 1}",
                $"use an ordinal below {count}, or raise vdevs.{vdev.Type} of '{vdev.Device}'");
            return false;
        }

        if (device.KnownPfCount is { } pfs && vdev.PfOrdinal >= pfs)
        {
            Diagnostics.Error(
                DiagnosticCodes.UnknownReference,
                text,
                pfs == 1
                    ? $"'{vdev}': '{vdev.Device}' selects one PF, whose ordinal is 0"
                    : $"'{vdev}': '{vdev.Device}' selects {pfs} PFs, numbered 0 to {pfs - 1} in PCI address order",
                "use a PF ordinal below the number of PFs the entry selects");
            return false;
        }

        return true;
    }

    private (VmTarget? Vm, ContainerTarget? Container)? ConvertTarget(AttachmentDto attachment)
    {
        VmTarget? vm = null;
        var vmValid = true;
        if (attachment.Vm is { } vmDto)
        {
            var name = vmDto.Name is { } nameText ? rules.Name(nameText, "VM name") : null;
            var uri = vmDto.Uri is { } uriText ? ValidUri(uriText) : DefaultVmUri;
            var guestIommu = vmDto.GuestIommu is { } guestIommuText
                ? rules.Choice(guestIommuText, [("report", GuestIommuPolicy.Report), ("add", GuestIommuPolicy.Add)], "guestIommu values")
                : GuestIommuPolicy.Report;
            vmValid = name is not null && uri is not null && guestIommu is not null;
            vm = vmValid ? new VmTarget(name!, uri!, vmDto.Live?.Value ?? true) { GuestIommu = guestIommu!.Value } : null;
        }

        var container = attachment.Container is { } containerDto ? new ContainerTarget(containerDto.Cdi?.Value ?? true) : null;
        if (attachment.Qemu is { } qemu && (attachment.Vm is not null || attachment.Container is not null))
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                qemu.KeyLocation,
                qemu.Path,
                "an attachment goes to one target: a libvirt VM, containers, or a QEMU VM started by hand",
                attachment.Vm is not null
                    ? "use 'vm' for a libvirt domain or 'qemu' for a VM started by hand, not both"
                    : "remove 'container' or 'qemu', or split the VDEVs into two attachments");
            return null;
        }

        if (attachment.Vm is not null && attachment.Container is { } both)
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                both.KeyLocation,
                both.Path,
                "an attachment goes to a VM or to containers, not both",
                "remove 'vm' or 'container', or split the VDEVs into two attachments");
            return null;
        }

        if (attachment.Vm is null && attachment.Container is null && attachment.Qemu is null)
        {
            Diagnostics.Error(
                DiagnosticCodes.MissingKey,
                attachment.Location,
                attachment.Path,
                "the attachment names no target",
                "add 'vm: { name: <domain> }', 'container: { cdi: true }' or 'qemu: { name: <VM> }'");
            return null;
        }

        return vmValid ? (vm, container) : null;
    }

    private QemuTarget? ConvertQemu(QemuDto qemu)
    {
        var name = qemu.Name is { } nameText ? rules.Name(nameText, "VM name") : null;
        if (name is null)
        {
            return null;
        }

        string? file;
        if (qemu.ArgumentsFile is { } fileText)
        {
            file = ValidArgumentsFile(fileText, name);
        }
        else
        {
            file = QemuArgumentsFile.DefaultPath(name);
        }

        if (file is null)
        {
            return null;
        }

        var at = qemu.ArgumentsFile?.Location ?? qemu.KeyLocation;
        if (!_argumentsFiles.TryAdd(file, at))
        {
            var other = _argumentsFiles[file];
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                at,
                qemu.ArgumentsFile?.Path ?? qemu.Path,
                $"the QEMU arguments file {file} is already written for the attachment at line {other.Line}",
                "give each QEMU attachment its own argumentsFile, or list all of the VM's VDEVs in one attachment");
            return null;
        }

        return new QemuTarget(name, file, qemu.Iommu?.Value ?? false);
    }

    private string? ValidArgumentsFile(Located<string> file, string vmName)
    {
        if (QemuArgumentsFile.PathProblem(file.Value) is not { } problem)
        {
            return file.Value;
        }

        Diagnostics.Error(
            DiagnosticCodes.InvalidValue,
            file,
            $"'{SpecText.Show(file.Value)}' cannot be a QEMU arguments file: {problem}",
            $"write an absolute path to a file such as {QemuArgumentsFile.DefaultPath(vmName)}, or remove 'argumentsFile' to use that default");
        return null;
    }

    private string? ValidUri(Located<string> uri)
    {
        var text = uri.Value;
        if (Attachments.LibvirtUri.IsValid(text))
        {
            return text;
        }

        Diagnostics.Error(
            DiagnosticCodes.InvalidValue,
            uri,
            $"'{SpecText.Show(text)}' is not a libvirt connection URI",
            $"write a URI such as \"{DefaultVmUri}\" (printable ASCII, no spaces), or remove 'uri' to use that default");
        return null;
    }
}
