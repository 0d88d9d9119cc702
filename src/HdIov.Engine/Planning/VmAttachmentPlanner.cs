using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// VM attachments against the observed domains (<see cref="HostState.Domains"/>): each declared VDEV becomes a hostdev
/// of its domain (hot-plugged when the attachment is live and the domain runs), and hostdevs the ledger says a spec
/// made and no spec declares any more are removed. A hostdev the engine did not add is never touched; one added by
/// Connect-HdIovVirtualDevice is left in place with a warning until a spec declares it.
/// </summary>
internal static class VmAttachmentPlanner
{
    public static void Plan(PlanContext context)
    {
        var state = context.State;
        var recorded = state.Ledger.Attachments
            .Where(e => e.Kind == LedgerEntryKind.VmAttachment && e.Attachment is { Uri: not null, Domain: not null })
            .GroupBy(e => Key(e.Attachment!.Uri!, e.Attachment.Domain!, e.Uuid, e.Attachment.PciAddress))
            .ToDictionary(g => g.Key, g => g.Last());
        var declared = new HashSet<string>(StringComparer.Ordinal);

        for (var index = 0; index < context.Spec.Attachments.Length; index++)
        {
            var attachment = context.Spec.Attachments[index];
            if (attachment.Vm is not { } vm)
            {
                continue;
            }

            var keyPath = string.Create(CultureInfo.InvariantCulture, $"spec.attachments[{index}]");
            var devices = new List<VmDevice>();
            foreach (var vdev in attachment.Vdevs)
            {
                var name = vdev.ToString();
                if (TryResolve(context, attachment, keyPath, name, out var planned))
                {
                    devices.Add(VmDevice.Mdev(planned.Parent, planned.Uuid, name));
                    declared.Add(Key(vm.Uri, vm.Name, planned.Uuid, null));
                }
            }

            var domain = state.Domains.FirstOrDefault(d => d.Matches(vm.Uri, vm.Name));
            if (!Usable(context, domain, vm, attachment.Location, keyPath))
            {
                continue;
            }

            foreach (var device in devices)
            {
                var step = VmAttachmentSteps.Attach(domain!, device, vm.Live, imperative: false, recorded.GetValueOrDefault(Key(vm.Uri, vm.Name, device.Uuid, null)));
                if (step is not null)
                {
                    context.Add(step);
                }
            }
        }

        foreach (var (key, entry) in recorded.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (declared.Contains(key) || !context.Scope.CoversAttachedVdev(entry.VdevName))
            {
                continue;
            }

            var record = entry.Attachment!;
            var device = new VmDevice(entry.Parent, entry.Uuid, Hardware.Pci.PciAddress.TryParse(record.PciAddress, out var pci) ? pci : null, entry.VdevName);
            if (record.Imperative)
            {
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.AttachmentNotDeclared, DiagnosticSeverity.Warning,
                    $"{device.Label} was attached to VM {record.Domain} ({record.Uri}) by Connect-HdIovVirtualDevice and the spec does not declare it; it is left as is",
                    $"declare it under spec.attachments (vm: {{ name: {record.Domain} }}) to manage it here, or run Disconnect-HdIovVirtualDevice -VmName {record.Domain}",
                    null, "spec.attachments"));
                continue;
            }

            var domain = state.Domains.FirstOrDefault(d => d.Matches(record.Uri!, record.Domain!));
            switch (domain?.Status)
            {
                case DomainStatus.Found:
                    if (VmAttachmentSteps.Detach(domain, device, record.Live, entry, "no longer declared by the spec") is { } step)
                    {
                        context.Add(step);
                    }

                    break;
                case DomainStatus.Missing:
                    context.Add(new PendingStep(
                        StepPhase.Detach, entry.Parent, VmAttachmentSteps.Address(domain, device), StepAction.Delete, new ForgetAttachment(entry),
                        "recorded", null, Disruption.None, $"no longer declared by the spec, and domain {record.Domain} no longer exists"));
                    break;
                default:
                    context.Warnings.Add(new Diagnostic(
                        DiagnosticCodes.AttachmentUnsupported, DiagnosticSeverity.Warning,
                        $"{device.Label} is no longer declared for VM {record.Domain}, but the domain was not read ({domain?.Problem ?? "libvirt was not consulted"}), so it stays attached",
                        domain?.Fix ?? "plan with Get-HdIovPlan or Set-HdIovHostState, which read the domains", null, "spec.attachments"));
                    break;
            }
        }
    }

    /// <summary>The parent and UUID planning gave a VDEV an attachment names; a located error when none.</summary>
    public static bool TryResolve(PlanContext context, AttachmentSpec attachment, string keyPath, string name, out (string Parent, Guid Uuid) planned)
    {
        if (context.DesiredByName.TryGetValue(name, out planned) || AttachmentPlanner.TryFindOwned(context, name, out planned))
        {
            return true;
        }

        var device = name.Split('/')[0];
        if (RebootDeferral.Defers(context, attachment, keyPath, name, device))
        {
            return false;
        }

        context.Problems.Add(new Diagnostic(
            DiagnosticCodes.VdevNotPlanned,
            DiagnosticSeverity.Error,
            $"attachment names VDEV {name}, which the device entries do not create on this host (check the PF ordinal: '{device}' selects fewer PFs)",
            "use a VDEV name whose PF ordinal and type ordinal exist (device/pf/type/n, all counted from 0)",
            attachment.Location,
            keyPath + ".vdevs"));
        return false;
    }

    private static bool Usable(PlanContext context, DomainObservation? domain, VmTarget vm, SourceLocation? location, string keyPath)
    {
        switch (domain?.Status)
        {
            case DomainStatus.Found:
                return true;
            case DomainStatus.Missing:
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.DomainNotFound, DiagnosticSeverity.Error,
                    $"VM '{vm.Name}' does not exist on {vm.Uri}", domain.Fix ?? $"define the domain on {vm.Uri} or correct vm.name", location, keyPath + ".vm.name"));
                return false;
            case DomainStatus.Unreachable:
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.LibvirtUnavailable, DiagnosticSeverity.Error,
                    $"VM '{vm.Name}' cannot be read: {domain.Problem}", domain.Fix ?? $"check that libvirt at {vm.Uri} answers", location, keyPath + ".vm.uri"));
                return false;
            case DomainStatus.NotMapped:
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.AttachmentUnsupported, DiagnosticSeverity.Warning,
                    $"attachment to VM '{vm.Name}' is not converged: {domain.Problem}", domain.Fix ?? string.Empty, location, keyPath + ".vm"));
                return false;
            default:
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.AttachmentUnsupported, DiagnosticSeverity.Warning,
                    $"attachment to VM '{vm.Name}' is not converged: this plan was made without reading libvirt",
                    "plan with Get-HdIovPlan or Set-HdIovHostState (or observe the domains with DomainObserver first)", location, keyPath + ".vm"));
                return false;
        }
    }

    private static string Key(string uri, string domain, Guid? uuid, string? pci) => $"{uri}\n{domain}\n{uuid}\n{pci}";
}
