using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Drift;

/// <summary>
/// Explains a host's drift from its spec item by item: what differs, whether the spec changed, the host was changed
/// outside HdIov, the hardware changed, or a change waits for a reboot, and which plan steps would fix it. Pure: it
/// reads the spec, one observed state and the plan made from them.
/// </summary>
public static class DriftAnalyzer
{
    /// <summary>
    /// The drift items, in this order: hardware changes, one item per differing plan address (in plan order), changes
    /// waiting for a reboot, then <see cref="DriftKind.Unmanaged"/> items. Each plan step belongs to exactly one item.
    /// </summary>
    /// <param name="spec">The spec the host is compared with.</param>
    /// <param name="state">The host as observed.</param>
    /// <param name="plan">The plan made from <paramref name="spec"/> and <paramref name="state"/>; null when the engine refused
    /// to plan (then only hardware and pending-reboot items are reported, and the refusal's reasons say the rest).</param>
    public static ImmutableArray<DriftItem> Analyze(HostSpec spec, HostState state, Plan? plan)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        var items = new List<Builder>();
        var byParent = new Dictionary<string, Builder>(StringComparer.Ordinal);
        foreach (var (parent, item) in HardwareDrift.Find(state))
        {
            var builder = new Builder(item);
            items.Add(builder);
            if (parent is not null)
            {
                byParent[parent] = builder;
            }
        }

        if (plan is not null)
        {
            AddSteps(state, plan, items, byParent);
        }

        items.AddRange(PendingReboot(spec, state).Select(i => new Builder(i)));
        items.AddRange(GuestIommuWaiting(spec, state).Select(i => new Builder(i)));
        var result = items.Select(b => b.Build()).ToList();
        if (plan is not null)
        {
            result.AddRange(Unmanaged(state, plan));
        }

        return [.. result];
    }

    private static void AddSteps(HostState state, Plan plan, List<Builder> items, Dictionary<string, Builder> byParent)
    {
        var steps = new StepDrift(state, plan);
        var byKey = new Dictionary<string, Builder>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            if (steps.ParentOf(step) is { } parent && byParent.TryGetValue(parent, out var hardware))
            {
                hardware.Add(step);
                continue;
            }

            var key = steps.KeyOf(step);
            if (byKey.TryGetValue(key, out var existing))
            {
                existing.Add(step);
                continue;
            }

            var (kind, reason) = steps.Classify(step);
            var builder = new Builder(new DriftItem(key, kind, step.After ?? DriftItem.Absent, step.Before ?? DriftItem.Absent, [], Disruption.None, reason));
            builder.Add(step, adoptsAfter: true);
            byKey[key] = builder;
            items.Add(builder);
        }
    }

    private static IEnumerable<DriftItem> PendingReboot(HostSpec spec, HostState state)
    {
        var running = state.CommandLine.Tokens;
        var configured = state.Platform.BootCommandLine?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var waiting = PlatformPlanner.WantedArguments(spec.Platform)
            .Where(a => !running.Contains(a) && configured.Contains(a, StringComparer.Ordinal))
            .ToList();
        if (waiting.Count > 0)
        {
            yield return new DriftItem(
                "platform/kernelArgs", DriftKind.PendingReboot, string.Join(' ', waiting), state.CommandLine.Raw, [], Disruption.HostReboot,
                $"written to {Platform.BootLoaders.BootLoader.For(state.Platform.BootLoader)?.Source ?? "the boot loader"}; the running kernel gets them at the next boot");
        }

        if (state.Platform.FirmwarePendingReboot)
        {
            var attributes = state.Platform.Firmware.Select(a => $"{a.Name}={a.CurrentValue}");
            yield return new DriftItem(
                "platform/bios", DriftKind.PendingReboot, string.Join(' ', attributes), "pending_reboot = 1", [], Disruption.HostReboot,
                "BIOS settings were changed through firmware-attributes; the firmware applies them at the next boot");
        }
    }

    /// <summary>A vIOMMU an attachment asks for that waits until its running VM is shut off (warning HDIOV2026): no step fixes it yet.</summary>
    private static IEnumerable<DriftItem> GuestIommuWaiting(HostSpec spec, HostState state) =>
        spec.Attachments
            .Where(a => a.Vm is { GuestIommu: GuestIommuPolicy.Add })
            .Select(a => state.Domains.FirstOrDefault(d => d.Matches(a.Vm!.Uri, a.Vm.Name)))
            .OfType<Attachments.DomainObservation>()
            .Where(d => d is { Status: Attachments.DomainStatus.Found, Active: true, GuestIommu: { Refusal: null, Missing.IsEmpty: false } })
            .Distinct()
            .Select(d => new DriftItem(
                $"vm/{d.Name}/iommu", DriftKind.Declared, "scalable-mode vIOMMU", "lacks " + Attachments.GuestIommuDefinition.Describe(d.GuestIommu!.Missing),
                [], Disruption.VmRestart, $"{d.Name} runs; its definition gets the vIOMMU at the first converge after it is shut off"));

    /// <summary>What the engine made on request and the spec leaves alone: not drift, but worth knowing (warnings HDIOV2016, HDIOV2021).</summary>
    private static IEnumerable<DriftItem> Unmanaged(HostState state, Plan plan)
    {
        var touched = plan.Steps.Select(s => s.Operation switch
        {
            CreateMdev o => o.Uuid,
            RemoveMdev o => o.Uuid,
            PersistMdev o => o.Uuid,
            AdoptMdev o => o.Uuid,
            AttachVdevToVm o => o.Device.Uuid,
            DetachVdevFromVm o => o.Device.Uuid,
            RecordAttachment o => o.Entry.Uuid,
            ForgetAttachment o => o.Entry.Uuid,
            _ => null,
        }).OfType<Guid>().ToHashSet();

        var vdevs = state.Ledger.Entries
            .Where(e => OwnershipLedger.IsImperative(e) && e.Uuid is { } uuid && !touched.Contains(uuid))
            .OrderBy(e => e.VdevName, StringComparer.Ordinal);
        foreach (var entry in vdevs)
        {
            var live = state.Mdevs.Any(m => m.Uuid == entry.Uuid);
            yield return new DriftItem(
                entry.VdevName ?? entry.Uuid!.Value.ToString("D"), DriftKind.Unmanaged, "not declared",
                $"{entry.Type} {entry.Uuid:D} on {entry.Parent}{(live ? string.Empty : " (not live)")}", [], Disruption.None,
                "created on request (New-HdIovVirtualDevice) and not declared by the spec; a converge leaves it as it is");
        }

        var attachments = state.Ledger.Attachments
            .Where(e => e.Attachment!.Imperative && !(e.Uuid is { } uuid && touched.Contains(uuid)))
            .OrderBy(e => AttachmentScopes.Label(e), StringComparer.Ordinal);
        foreach (var entry in attachments)
        {
            var device = entry.VdevName ?? entry.Uuid?.ToString("D") ?? entry.Attachment!.PciAddress ?? entry.Parent;
            var address = entry.Attachment is { Domain: { } domain } ? $"vm/{domain}/{device}" : $"cdi/{device}";
            yield return new DriftItem(
                address, DriftKind.Unmanaged, "not declared", AttachmentScopes.Label(entry), [], Disruption.None,
                "attached by Connect-HdIovVirtualDevice and not declared by the spec; a converge leaves it as it is");
        }
    }

    /// <summary>An item and the steps gathered for it.</summary>
    private sealed class Builder(DriftItem item)
    {
        private readonly List<int> _steps = [];
        private Disruption _disruption = item.Disruption;
        private string _expected = item.Expected;

        public void Add(PlanStep step, bool adoptsAfter = false)
        {
            _steps.Add(step.Id);
            _disruption = step.Disruption > _disruption ? step.Disruption : _disruption;
            if (adoptsAfter || (item.Kind != DriftKind.HardwareChanged && step.Address == item.Address))
            {
                _expected = step.After ?? DriftItem.Absent;
            }
        }

        public DriftItem Build() => item with { Expected = _expected, Steps = [.. _steps], Disruption = _disruption };
    }
}
