using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Planning;

/// <summary>
/// The steps that put one device into one observed domain or take it out, shared by the spec planner and by
/// Connect-/Disconnect-HdIovVirtualDevice requests. Pure: everything comes from the observation.
/// </summary>
internal static class VmAttachmentSteps
{
    /// <summary>
    /// Adds the device where it is missing: the persistent definition always, the running guest when
    /// <paramref name="live"/> and the domain runs. Already in place: records it when the ledger does not say it is
    /// owned the way the caller wants; otherwise nothing.
    /// </summary>
    public static PendingStep? Attach(DomainObservation domain, VmDevice device, bool live, bool imperative, LedgerEntry? recorded)
    {
        var inConfig = device.IsIn(domain.Config);
        var inLive = domain.Active && device.IsIn(domain.Live);
        var scope = (inConfig ? DomainChangeScope.None : DomainChangeScope.Config)
            | (domain.Active && live && !inLive ? DomainChangeScope.Live : DomainChangeScope.None);
        var address = Address(domain, device);

        // The split planners group a PF's steps as "<entry>/<pf ordinal>", the start of its VDEV names.
        var group = device.VdevName is { } name && name.Split('/') is [var entryName, var pf, ..] ? $"{entryName}/{pf}" : device.Parent;
        if (scope != DomainChangeScope.None)
        {
            var (disruption, reason) = (domain.Active, live) switch
            {
                (true, true) => (Disruption.None, $"{domain.Name} runs and the attachment is live: the device is hot-plugged and kept in the persistent definition"),
                (true, false) => (Disruption.VmRestart, $"{domain.Name} runs and the attachment is not live: the device is added to the persistent definition only and reaches the guest when the VM restarts"),
                _ => (Disruption.None, $"{domain.Name} is shut off: the device is added to its persistent definition and the guest sees it at its next start"),
            };
            return new PendingStep(
                StepPhase.Attach, group, address, StepAction.Create,
                new AttachVdevToVm(domain.Uri, domain.Name, device, scope, live, imperative),
                Presence(inConfig, inLive, domain.Active), Presence(true, inLive || scope.HasFlag(DomainChangeScope.Live), domain.Active),
                disruption, reason);
        }

        var owned = recorded?.Attachment is { } record && record.Imperative == imperative && record.Live == live;
        if (owned)
        {
            return null;
        }

        var entry = AttachmentScopes.VmEntry(domain.Uri, domain.Name, device, live, imperative);
        return new PendingStep(
            StepPhase.Attach, group, address, StepAction.Update, new RecordAttachment(entry),
            recorded is null ? "not recorded" : recorded.Attachment!.Imperative ? "attached by a command" : "declared",
            imperative ? "attached by a command" : "declared",
            Disruption.None,
            recorded is null
                ? "the hostdev is already in the domain; the engine records the attachment as its own"
                : "the attachment is already in place; its record follows who declares it now");
    }

    /// <summary>
    /// Removes the device from the scopes it is in: the persistent definition, and the running guest when the
    /// attachment was live (or the request says so). Gone already: forgets the record.
    /// </summary>
    public static PendingStep? Detach(DomainObservation domain, VmDevice device, bool live, LedgerEntry? recorded, string reasonPrefix)
    {
        var address = Address(domain, device);

        // The cleanup planner groups a removal by the VDEV's parent, so that removal waits for this detach.
        var group = device.Parent;
        var inConfig = device.IsIn(domain.Config);
        var inLive = domain.Active && device.IsIn(domain.Live);
        var scope = (inConfig ? DomainChangeScope.Config : DomainChangeScope.None)
            | (inLive && live ? DomainChangeScope.Live : DomainChangeScope.None);
        if (scope == DomainChangeScope.None)
        {
            return recorded is null
                ? null
                : new PendingStep(
                    StepPhase.Detach, group, address, StepAction.Delete, new ForgetAttachment(recorded),
                    "recorded", null, Disruption.None, $"{reasonPrefix}; the hostdev is no longer in {domain.Name}, so only the record is dropped");
        }

        var (disruption, reason) = inLive && !live
            ? (Disruption.VmRestart, $"{reasonPrefix}; {domain.Name} runs and the attachment is not live: the device leaves the persistent definition now and the guest when the VM restarts")
            : inLive
                ? (Disruption.None, $"{reasonPrefix}; the device is hot-unplugged from the running guest and removed from its persistent definition")
                : (Disruption.None, $"{reasonPrefix}; the device is removed from the persistent definition of {domain.Name}");
        return new PendingStep(
            StepPhase.Detach, group, address, StepAction.Delete,
            new DetachVdevFromVm(domain.Uri, domain.Name, device, scope),
            Presence(inConfig, inLive, domain.Active), Presence(false, inLive && !live, domain.Active), disruption, reason);
    }

    public static string Address(DomainObservation domain, VmDevice device) => $"vm/{domain.Name}/{device.Label}";

    private static string? Presence(bool inConfig, bool inLive, bool active) => (inConfig, active && inLive) switch
    {
        (true, true) => "hostdev (config, live)",
        (true, false) => active ? "hostdev (config)" : "hostdev",
        (false, true) => "hostdev (live)",
        _ => null,
    };
}
