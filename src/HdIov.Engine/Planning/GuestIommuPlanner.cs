using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// <c>vm.guestIommu: add</c>: gives the definition of each domain a VM attachment asks it for the guest vIOMMU parts
/// it lacks (<see cref="GuestIommuDefinition"/>), before the attachment's hostdevs are added, and takes out what the
/// engine added once no attachment in the plan's scope asks any more. Only a shut-off domain's definition is changed:
/// a running one is warned about (HDIOV2026) and changed by the first converge after it is shut off, because
/// redefining it would leave the running guest and its definition describing different machines until a restart nobody
/// asked for. A machine type or setting the engine would have to change is refused (HDIOV2025). Domains no attachment
/// names are never touched.
/// </summary>
internal static class GuestIommuPlanner
{
    public static void Plan(PlanContext context)
    {
        var state = context.State;
        var records = state.Ledger.GuestIommus
            .GroupBy(e => (e.Attachment!.Uri!, e.Attachment.Domain!))
            .ToDictionary(g => g.Key, g => g.Last());
        var asking = new Dictionary<(string Uri, string Domain), (int Index, AttachmentSpec Attachment, SortedSet<string> Vdevs)>();
        for (var index = 0; index < context.Spec.Attachments.Length; index++)
        {
            var attachment = context.Spec.Attachments[index];
            if (attachment.Vm is not { GuestIommu: GuestIommuPolicy.Add } vm)
            {
                continue;
            }

            var key = (vm.Uri, vm.Name);
            if (!asking.TryGetValue(key, out var found))
            {
                found = (index, attachment, new SortedSet<string>(StringComparer.Ordinal));
                asking[key] = found;
            }

            found.Vdevs.UnionWith(attachment.Vdevs.Select(v => v.ToString()));
        }

        foreach (var ((uri, name), (index, attachment, vdevs)) in asking.OrderBy(p => p.Key.Uri, StringComparer.Ordinal).ThenBy(p => p.Key.Domain, StringComparer.Ordinal))
        {
            var domain = state.Domains.FirstOrDefault(d => d.Matches(uri, name));
            if (domain is not { Status: DomainStatus.Found, GuestIommu: { } addition })
            {
                // VmAttachmentPlanner already reports a domain that is missing or could not be read.
                continue;
            }

            var record = records.GetValueOrDefault((uri, name));
            var keyPath = string.Create(CultureInfo.InvariantCulture, $"spec.attachments[{index}].vm.guestIommu");
            var wanted = Remaining(context, record).Union(vdevs, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (addition.Refusal is { } refusal)
            {
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.GuestIommuRefused, DiagnosticSeverity.Error,
                    $"VM '{name}' at {uri} cannot get a scalable-mode vIOMMU: {refusal}", addition.Fix ?? string.Empty, attachment.Location, keyPath));
                continue;
            }

            if (!addition.Missing.IsEmpty && domain.Active)
            {
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.GuestIommuDeferred, DiagnosticSeverity.Warning,
                    $"VM '{name}' at {uri} runs, so its definition does not get {GuestIommuDefinition.Describe(addition.Missing)} now; the engine changes only a shut-off domain's definition and never the running guest",
                    $"shut the VM down (virsh -c {uri} shutdown {name}) and converge again; the guest gets the vIOMMU at its next start",
                    attachment.Location, keyPath));
                continue;
            }

            if (!addition.Missing.IsEmpty)
            {
                context.Add(new PendingStep(
                    StepPhase.Persist, Group(name), Address(name), StepAction.Create,
                    new AddGuestIommu(uri, name, addition.Missing, wanted),
                    record is null ? null : "part of the vIOMMU HdIov added", "scalable-mode vIOMMU", Disruption.None,
                    $"{name} is shut off and an attachment asks for a guest vIOMMU (guestIommu: add); its guest gets it at its next start, before the VDEVs are added"));
            }
            else if (record is not null && !record.GuestIommu!.Vdevs.SequenceEqual(wanted, StringComparer.Ordinal))
            {
                context.Add(RecordStep(name, record, wanted, "the attachments that ask for the vIOMMU changed"));
            }
        }

        foreach (var ((uri, name), record) in records.OrderBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal))
        {
            if (asking.ContainsKey((uri, name)))
            {
                continue;
            }

            var remaining = Remaining(context, record).ToList();
            if (remaining.Count > 0)
            {
                if (!remaining.SequenceEqual(record.GuestIommu!.Vdevs, StringComparer.Ordinal))
                {
                    context.Add(RecordStep(name, record, remaining, "attachments this plan covers no longer ask for the vIOMMU; others still do"));
                }

                continue;
            }

            Release(context, uri, name, record);
        }
    }

    private static void Release(PlanContext context, string uri, string name, LedgerEntry record)
    {
        var parts = record.GuestIommu!.Added;
        var domain = context.State.Domains.FirstOrDefault(d => d.Matches(uri, name));
        switch (domain?.Status)
        {
            case DomainStatus.Found when domain.Active:
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.GuestIommuDeferred, DiagnosticSeverity.Warning,
                    $"no attachment asks for the vIOMMU HdIov added to VM '{name}' at {uri} any more ({GuestIommuDefinition.Describe(parts)}), but the VM runs, so its definition keeps it for now",
                    $"shut the VM down (virsh -c {uri} shutdown {name}) and converge again to take it out",
                    null, "spec.attachments"));
                break;
            case DomainStatus.Found:
                context.Add(new PendingStep(
                    StepPhase.Detach, Group(name), Address(name), StepAction.Delete, new RemoveGuestIommu(uri, name, parts),
                    "vIOMMU parts added by HdIov", null, Disruption.None,
                    $"no attachment asks for the vIOMMU any more; only the parts HdIov added leave {name}'s definition"));
                break;
            case DomainStatus.Missing:
                context.Add(new PendingStep(
                    StepPhase.Detach, Group(name), Address(name), StepAction.Delete, new RemoveGuestIommu(uri, name, parts),
                    "recorded", null, Disruption.None, $"domain {name} no longer exists, so only the record of its vIOMMU is dropped"));
                break;
            default:
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.AttachmentUnsupported, DiagnosticSeverity.Warning,
                    $"no attachment asks for the vIOMMU HdIov added to VM '{name}' any more, but the domain was not read ({domain?.Problem ?? "libvirt was not consulted"}), so it stays",
                    domain?.Fix ?? "plan with Get-HdIovPlan or Set-HdIovHostState, which read the domains", null, "spec.attachments"));
                break;
        }
    }

    /// <summary>The recorded VDEVs this plan does not speak for: all of them in a scoped plan that does not cover them, none in a whole-host plan.</summary>
    private static IEnumerable<string> Remaining(PlanContext context, LedgerEntry? record) =>
        record?.GuestIommu is { } recorded ? recorded.Vdevs.Where(v => !context.Scope.CoversAttachedVdev(v)).Order(StringComparer.Ordinal) : [];

    private static PendingStep RecordStep(string name, LedgerEntry record, IReadOnlyList<string> vdevs, string reason) => new(
        StepPhase.Attach, Group(name), Address(name), StepAction.Update,
        new RecordGuestIommu(record with { GuestIommu = record.GuestIommu! with { Vdevs = vdevs }, Recorded = null }),
        string.Join(", ", record.GuestIommu!.Vdevs), string.Join(", ", vdevs), Disruption.None, reason);

    private static string Group(string domain) => $"vm/{domain}";

    private static string Address(string domain) => $"vm/{domain}/iommu";

    /// <summary>The ledger record of the guest vIOMMU parts the engine added to one domain.</summary>
    public static LedgerEntry Entry(string uri, string domain, IReadOnlyList<GuestIommuPart> added, IReadOnlyList<string> vdevs, DateTimeOffset? recorded = null) => new(
        LedgerEntryKind.GuestIommu,
        domain,
        Recorded: recorded,
        Attachment: new AttachmentRecord(uri, domain, Live: false, PciAddress: null, Imperative: false),
        GuestIommu: new GuestIommuRecord(added, vdevs));
}
