using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;

namespace HdIov.Engine.Planning;

/// <summary>
/// Attachments: container ones become the CDI spec <c>/etc/cdi/hdiov.json</c>, rewritten whenever the set of
/// devices or an IOMMU group changes; VM attachments are not converged by this engine version.
/// </summary>
internal static class AttachmentPlanner
{
    private const string Group = "attachments";

    public static void Plan(PlanContext context)
    {
        var devices = new List<CdiDeviceEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kept in CdiSpecDocument.ReadDevices(context.State.Platform.CdiSpec).Where(d => !context.Scope.CoversCdiDevice(d.VdevName)))
        {
            if (seen.Add(kept.VdevName))
            {
                devices.Add(kept);
            }
        }

        for (var index = 0; index < context.Spec.Attachments.Length; index++)
        {
            var attachment = context.Spec.Attachments[index];
            var keyPath = string.Create(CultureInfo.InvariantCulture, $"spec.attachments[{index}]");
            if (attachment.Vm is { } vm)
            {
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.AttachmentUnsupported,
                    DiagnosticSeverity.Warning,
                    $"attachment to VM '{vm.Name}' is not converged by this engine version; the VDEVs are created but not added to the domain",
                    "add <hostdev mode='subsystem' type='mdev' model='vfio-pci'> entries with the VDEV UUIDs (Get-HdIovVirtualDevice lists them) to the domain",
                    attachment.Location,
                    keyPath + ".vm"));
                continue;
            }

            if (attachment.Container is not { Cdi: true })
            {
                continue;
            }

            foreach (var vdev in attachment.Vdevs)
            {
                var name = vdev.ToString();
                if (!context.DesiredByName.TryGetValue(name, out var planned) && !TryFindOwned(context, name, out planned))
                {
                    context.Problems.Add(new Diagnostic(
                        DiagnosticCodes.VdevNotPlanned,
                        DiagnosticSeverity.Error,
                        $"attachment names VDEV {name}, which the device entries do not create on this host (check the PF ordinal: '{vdev.Device}' selects fewer PFs)",
                        "use a VDEV name whose PF ordinal and type ordinal exist (device/pf/type/n, all counted from 0)",
                        attachment.Location,
                        keyPath + ".vdevs"));
                    continue;
                }

                if (seen.Add(name))
                {
                    devices.Add(new CdiDeviceEntry(CdiSpecDocument.DeviceName(name), name, planned.Uuid));
                }
            }
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

        var groups = devices.Select(d => context.State.Mdevs.FirstOrDefault(m => m.Uuid == d.Uuid)?.IommuGroup).ToList();
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
    private static bool TryFindOwned(PlanContext context, string vdevName, out (string Parent, Guid Uuid) found)
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
