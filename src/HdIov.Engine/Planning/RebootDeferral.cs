using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// What waits for a reboot: a device entry whose VDEVs cannot be made before the next boot (scalable mode is configured
/// but not running yet) defers them, and everything that depends on them (their attachments) waits too, with a warning
/// that names the reboot and what waits for it. None of it is an error: after the reboot the same spec plans the rest.
/// </summary>
internal static class RebootDeferral
{
    public static void Defer(PlanContext context, SplitTarget target, string reboot) =>
        context.DeferredEntries.TryAdd(target.Entry.Name, reboot);

    /// <summary>True (with a warning) when <paramref name="vdev"/> belongs to a deferred device entry.</summary>
    public static bool Defers(PlanContext context, AttachmentSpec attachment, string keyPath, string vdev, string device)
    {
        if (!context.DeferredEntries.TryGetValue(device, out var reboot))
        {
            return false;
        }

        var target = attachment switch
        {
            { Vm: { } vm } => $"VM {vm.Name}",
            { Qemu: { } qemu } => $"VM {qemu.Name} (its QEMU arguments file {qemu.ArgumentsFile})",
            _ => "containers (CDI)",
        };
        context.Warnings.Add(new Diagnostic(
            DiagnosticCodes.ScalableModeOff,
            DiagnosticSeverity.Warning,
            $"attaching VDEV {vdev} to {target} waits for {reboot}: device entry '{device}' creates its VDEVs after it",
            "reboot the host, then apply the spec again",
            attachment.Location,
            keyPath + ".vdevs"));
        return true;
    }
}
