using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;

namespace HdIov.Engine.Planning;

/// <summary>
/// Attachments: VM ones become hostdevs in their libvirt domains (<see cref="VmAttachmentPlanner"/>); container ones
/// become the CDI spec <c>/etc/cdi/hdiov.json</c>, rewritten whenever the set of devices or an IOMMU group changes.
/// CDI devices published by Connect-HdIovVirtualDevice stay in the spec (with a warning) until a spec declares them,
/// which adopts them. QEMU VMs started by hand get their arguments files (<see cref="QemuAttachmentPlanner"/>).
/// </summary>
internal static class AttachmentPlanner
{
    private const string Group = "attachments";

    public static void Plan(PlanContext context)
    {
        VmAttachmentPlanner.Plan(context);
        GuestIommuPlanner.Plan(context);
        QemuAttachmentPlanner.Plan(context);

        var devices = new List<CdiDeviceEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var imperative = context.State.Ledger.Attachments
            .Where(e => e.Kind == LedgerEntryKind.ContainerAttachment && e.Uuid is not null && e.Attachment!.Imperative)
            .GroupBy(e => e.Uuid!.Value)
            .ToDictionary(g => g.Key, g => g.Last());

        foreach (var kept in CdiSpecDocument.Parse(context.State.Platform.CdiSpec).Where(d => !context.Scope.CoversCdiDevice(d.VdevName)))
        {
            if (seen.Add(kept.VdevName))
            {
                devices.Add(kept);
            }
        }
        for (var index = 0; index < context.Spec.Attachments.Length; index++)
        {
            var attachment = context.Spec.Attachments[index];
            if (attachment.Container is not { Cdi: true })
            {
                continue;
            }

            var keyPath = string.Create(CultureInfo.InvariantCulture, $"spec.attachments[{index}]");
            foreach (var vdev in attachment.Vdevs)
            {
                var name = vdev.ToString();
                if (!VmAttachmentPlanner.TryResolve(context, attachment, keyPath, name, out var planned))
                {
                    continue;
                }

                if (seen.Add(name))
                {
                    devices.Add(new CdiDeviceEntry(CdiSpecDocument.DeviceName(name), name, planned.Uuid));
                }

                if (imperative.Remove(planned.Uuid))
                {
                    var device = VmDevice.Mdev(planned.Parent, planned.Uuid, name);
                    context.Add(new PendingStep(StepPhase.Attach, planned.Parent, $"cdi/{name}", StepAction.Update,
                        new RecordAttachment(AttachmentScopes.ContainerEntry(device, imperative: false)),
                        "attached by a command", "declared", Disruption.None,
                        $"the spec declares the CDI device {name} that Connect-HdIovVirtualDevice published; the spec owns it now"));
                }
            }
        }

        foreach (var (uuid, entry) in imperative.OrderBy(p => p.Value.VdevName, StringComparer.Ordinal))
        {
            var label = entry.VdevName ?? uuid.ToString("D");
            if (!context.LiveMdevs.ContainsKey(uuid))
            {
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.AttachmentNotDeclared, DiagnosticSeverity.Warning,
                    $"VDEV {label} was published to containers by Connect-HdIovVirtualDevice but no longer exists, so the CDI spec leaves it out",
                    $"run Disconnect-HdIovVirtualDevice -Uuid {uuid:D} -Container to drop the record", null, "spec.attachments"));
                continue;
            }

            var name = entry.VdevName ?? uuid.ToString("D");
            if (seen.Add(name))
            {
                devices.Add(new CdiDeviceEntry(CdiSpecDocument.DeviceName(name), name, uuid));
            }

            context.Warnings.Add(new Diagnostic(
                DiagnosticCodes.AttachmentNotDeclared, DiagnosticSeverity.Warning,
                $"VDEV {label} was published to containers by Connect-HdIovVirtualDevice and the spec does not declare it; the CDI spec keeps it",
                $"declare it under spec.attachments with container: {{ cdi: true }} to manage it here, or run Disconnect-HdIovVirtualDevice -Uuid {uuid:D} -Container",
                null, "spec.attachments"));
        }

        var path = HostPath.Combine(KernelPaths.CdiSpecDirectory, CdiSpecDocument.FileName);
        var current = context.State.Platform.CdiSpec;
        if (devices.Count == 0)
        {
            if (current is not null)
            {
                context.Add(new PendingStep(StepPhase.Attach, Group, "attachments/cdi", StepAction.Delete,
                    new WriteCdiSpec(path, []), $"{path}", null, Disruption.None, "no container attachment is declared"));
            }

            return;
        }

        var groups = devices.Select(d => context.LiveMdevs.GetValueOrDefault(d.Uuid)?.IommuGroup).ToList();
        var expected = groups.All(g => g is not null)
            ? CdiSpecDocument.Render(devices.Zip(groups, (d, g) => (d, g!.Value)))
            : null;
        if (expected is null || expected != current)
        {
            context.Add(new PendingStep(StepPhase.Attach, Group, "attachments/cdi", StepAction.Update,
                new WriteCdiSpec(path, devices), current is null ? null : path, $"{devices.Count} CDI devices", Disruption.None,
                "containers request the VDEVs as hdiov.dev/vdev=<name>; the spec carries each VDEV's IOMMU group"));
        }
    }

    /// <summary>In a scoped plan an attachment may name a VDEV another piece of the host's state created: the ledger knows it.</summary>
    internal static bool TryFindOwned(PlanContext context, string vdevName, out (string Parent, Guid Uuid) found)
    {
        found = default;
        if (context.Scope.IsWholeHost)
        {
            return false;
        }

        var entry = context.State.Ledger.Entries.LastOrDefault(e => e.Kind == Discovery.LedgerEntryKind.Mdev && e.VdevName == vdevName && e.Uuid is not null);
        if (entry is null)
        {
            return false;
        }

        found = (entry.Parent, entry.Uuid!.Value);
        return true;
    }
}
