using System.Collections.Immutable;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Resources;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Components;

/// <summary>
/// <c>hdiov:index:Host</c>: a whole HostState document as one component. The document is loaded with the engine's
/// spec loader (so its diagnostics keep file, line and column) and split into children: a Platform when the document
/// has a platform section, one DeviceSplit per device entry, one Attachment per attachment. Child resource names
/// start with the component's name, so two Host components in one stack do not collide; an Attachment is named after
/// its first VDEV, which keeps its name when the document's attachments are reordered.
/// </summary>
internal static class HostComponent
{
    public const string Type = "hdiov:index:Host";

    /// <summary>The document named by the inputs <c>spec</c> (text) or <c>specPath</c> (a file; relative to the working directory, the project's).</summary>
    public static HostSpec Load(PropertyMap inputs)
    {
        var text = Outputs.TextOf(inputs, "spec");
        var path = Outputs.TextOf(inputs, "specPath");
        if ((text is null) == (path is null))
        {
            throw ProviderErrors.InvalidArgument(text is null
                ? "HDIOV1005: the Host component needs its document. Fix: set spec (the YAML text) or specPath (a path to the file)"
                : "HDIOV1010: spec and specPath exclude each other. Fix: keep one of them");
        }

        var result = path is null
            ? SpecLoader.LoadText(text!, "spec")
            : SpecLoader.LoadFile(Path.GetFullPath(path, Environment.CurrentDirectory));
        if (result.Succeeded)
        {
            // An Attachment resource speaks for libvirt domains and containers only; a qemu attachment's arguments file
            // would need a resource of its own to be deleted with it.
            if (result.Spec!.Attachments.FirstOrDefault(a => a.Qemu is not null) is { } qemu)
            {
                throw ProviderErrors.InvalidArgument(
                    $"HDIOV2014: the attachment of {qemu.Vdevs[0]} to the QEMU VM {qemu.Qemu!.Name} (qemu:) is not supported by the Pulumi provider. "
                    + "Fix: converge qemu attachments with Set-HdIovHostState, or attach the VDEVs to a libvirt domain (vm:)");
            }

            return result.Spec;
        }

        throw ProviderErrors.InvalidArgument("the Host component's document is not valid:" + Environment.NewLine
            + ProviderErrors.Describe(result.Diagnostics.Where(d => d.IsError)));
    }

    public static ImmutableArray<ChildResource> Children(string componentName, HostSpec spec)
    {
        var children = ImmutableArray.CreateBuilder<ChildResource>();
        if (SpecInputs.IsDeclared(spec.Platform))
        {
            children.Add(new ChildResource(PlatformResource.Type, $"{componentName}-platform", SpecInputs.Platform(spec.Platform), []));
        }

        var splits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var device in spec.Devices)
        {
            var name = $"{componentName}-{device.Name}";
            splits[device.Name] = name;
            children.Add(new ChildResource(DeviceSplitResource.Type, name, SpecInputs.Device(device), []));
        }

        foreach (var attachment in spec.Attachments)
        {
            var needs = attachment.Vdevs.Select(v => splits.GetValueOrDefault(v.Device)).OfType<string>().Distinct(StringComparer.Ordinal);
            children.Add(new ChildResource(AttachmentResource.Type, $"{componentName}-{attachment.Vdevs[0]}", SpecInputs.Attachment(attachment), [.. needs]));
        }

        return children.ToImmutable();
    }
}
