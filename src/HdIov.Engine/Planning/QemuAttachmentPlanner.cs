using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Planning;

/// <summary>
/// <c>qemu:</c> attachments: each one's arguments file (<see cref="QemuArgumentsFile"/>) is written when it is missing or
/// differs from what the attachment's VDEVs render, and files the ledger records that no attachment declares any more are
/// deleted (whole-host plans only: a scoped plan cannot tell another piece's file from a forgotten one). A file at the
/// path that the engine did not write is refused at plan time. While a VDEV of the attachment waits for a reboot the
/// file is left as it is, so a VM is never started with part of its devices. A file goes in the detach phase, before
/// the VDEVs it names are removed, so it never names a VDEV that is gone.
/// </summary>
internal static class QemuAttachmentPlanner
{
    private const string Group = "attachments";

    public static void Plan(PlanContext context)
    {
        var state = context.State;
        var recorded = state.Ledger.QemuArgumentsFiles.ToHashSet(StringComparer.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < context.Spec.Attachments.Length; index++)
        {
            var attachment = context.Spec.Attachments[index];
            if (attachment.Qemu is not { } qemu)
            {
                continue;
            }

            declared.Add(qemu.ArgumentsFile);
            var keyPath = string.Create(CultureInfo.InvariantCulture, $"spec.attachments[{index}]");
            var devices = new List<VmDevice>();
            foreach (var vdev in attachment.Vdevs)
            {
                var name = vdev.ToString();
                if (VmAttachmentPlanner.TryResolve(context, attachment, keyPath, name, out var planned))
                {
                    devices.Add(VmDevice.Mdev(planned.Parent, planned.Uuid, name));
                }
            }

            var current = state.QemuArgumentsFiles.GetValueOrDefault(qemu.ArgumentsFile);
            if (current is not null && !recorded.Contains(qemu.ArgumentsFile))
            {
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.UnownedInTheWay, DiagnosticSeverity.Error,
                    $"{qemu.ArgumentsFile} exists and HdIov did not write it, so it is not overwritten with the QEMU arguments of VM {qemu.Name}",
                    "move the file away, or point argumentsFile at another path",
                    attachment.Location, keyPath + ".qemu.argumentsFile"));
                continue;
            }

            if (devices.Count != attachment.Vdevs.Length)
            {
                continue;
            }

            var write = new WriteQemuArgumentsFile(qemu.ArgumentsFile, qemu.Name, devices, qemu.Iommu);
            if (write.Render() != current)
            {
                context.Add(new PendingStep(StepPhase.Attach, Group, "qemu/" + qemu.ArgumentsFile, current is null ? StepAction.Create : StepAction.Update,
                    write, current is null ? null : qemu.ArgumentsFile, $"{devices.Count} VDEVs for VM {qemu.Name}", Disruption.None,
                    $"the start script of VM {qemu.Name} sources {qemu.ArgumentsFile} for its -device arguments; VMs started before keep theirs until they restart"));
            }
        }

        if (!context.Scope.IsWholeHost)
        {
            return;
        }

        foreach (var path in recorded.Where(p => !declared.Contains(p)).Order(StringComparer.Ordinal))
        {
            context.Add(new PendingStep(StepPhase.Detach, Group, "qemu/" + path, StepAction.Delete,
                new RemoveQemuArgumentsFile(path), path, null, Disruption.None,
                "no qemu attachment declares this arguments file any more; VMs started from it keep their devices until they stop"));
        }
    }
}
