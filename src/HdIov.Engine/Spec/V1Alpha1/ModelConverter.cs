using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary>
/// Turns the DTOs of a v1alpha1 document into the immutable Model: value rules (names, PCI addresses, ranges,
/// enumerations), rules between fields (mode against vdevs/vfs, one selector, vm or container) and references
/// (attachments to declared VDEVs). Every problem is reported; the model is returned only when there is none.
/// </summary>
internal sealed class ModelConverter(DiagnosticBag diagnostics, string fileName)
{
    public HostSpec? Convert(HostStateDto document)
    {
        var rules = new ValueRules(diagnostics);
        var name = document.Metadata?.Name is { } hostName ? rules.Name(hostName, "host name") : null;
        var spec = document.Spec;
        var platform = spec?.Platform is { } platformDto ? new PlatformConverter(rules).Convert(platformDto) : PlatformSpec.Empty;
        var devices = new DeviceConverter(rules);
        var deviceSpecs = spec is null ? [] : devices.Convert(spec.Devices);
        var attachments = spec is null ? [] : new AttachmentConverter(rules, devices.Declared).Convert(spec.Attachments);
        return diagnostics.HasErrors || name is null || spec is null
            ? null
            : new HostSpec(name, platform, deviceSpecs, attachments, fileName);
    }
}
