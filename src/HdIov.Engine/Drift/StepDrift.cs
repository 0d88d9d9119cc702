using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Drift;

/// <summary>
/// Tells, for one plan step, whether it carries out a declaration the engine has not applied yet or repairs what
/// changed behind the engine's back, by comparing the step with the ledger (what the engine made) and the host.
/// </summary>
internal sealed class StepDrift(HostState state, Plan plan)
{
    private readonly Dictionary<Guid, LedgerEntry> _ownedMdevs = state.Ledger.Entries
        .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid is not null)
        .GroupBy(e => e.Uuid!.Value)
        .ToDictionary(g => g.Key, g => g.Last());

    /// <summary>The VF count each PF ends with when the plan has run.</summary>
    private readonly Dictionary<string, int> _finalVfCounts = plan.Steps
        .Select(s => s.Operation).OfType<SetVfCount>()
        .GroupBy(s => s.Pf.ToString(), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last().To, StringComparer.Ordinal);

    /// <summary>
    /// The item a step belongs to: its own address, or the item whose change makes this step necessary (a VDEV that
    /// existed before is re-created because its PF is reconfigured; VFs are bound because their count changes).
    /// </summary>
    public string KeyOf(PlanStep step)
    {
        switch (step.Operation)
        {
            case CreateMdev create when ResetOf(create.Parent) is { } reset && (IsLive(create.Uuid, create.Parent) || _ownedMdevs.ContainsKey(create.Uuid)):
                return reset.Address;
            case BindVfDriver when step.Address.LastIndexOf("/vf/", StringComparison.Ordinal) is var at and > 0:
                var vfs = step.Address[..at] + "/vfs";
                return plan.Steps.Any(s => s.Address == vfs && s.Operation is SetVfCount) ? vfs : step.Address;
            default:
                return step.Address;
        }
    }

    /// <summary>The parent device a step changes, for steps that touch one.</summary>
    public string? ParentOf(PlanStep step) => step.Operation switch
    {
        CreateMdev o => o.Parent,
        RemoveMdev o => o.Parent,
        PersistMdev o => o.Parent,
        AdoptMdev o => o.Parent,
        ConfigureDevice o => o.ConfiguredPf.ToString(),
        SetVfCount o => o.Pf.ToString(),
        RestoreVfs o => o.Pf.ToString(),
        ForgetBaseline o => o.Pf,
        BindVfDriver o => state.FindFunction(o.Vf)?.PhysicalFunction?.ToString(),
        _ => null,
    };

    public (DriftKind Kind, string Reason) Classify(PlanStep step) => step.Operation switch
    {
        CreateMdev o => Create(o),
        RemoveMdev o => Remove(step, o),
        PersistMdev o => Persist(o),
        AdoptMdev o => Adopt(o),
        ConfigureDevice o => o.Attribute(state),
        SetVfCount o => VfCount(step, o),
        BindVfDriver o => Bind(o),
        SetBootArguments o => BootArguments(o),
        WriteCdiSpec o => Cdi(step, o),
        WriteQemuArgumentsFile o => QemuArguments(step, o),
        AttachVdevToVm o => Attach(o),
        RecordAttachment o => o.Entry.Attachment?.Imperative == false && IsImperativeAttachment(o.Entry)
            ? (DriftKind.Declared, step.Reason)
            : (DriftKind.ChangedOutside, "attached outside HdIov; the engine records it as its own"),
        ForgetAttachment => (DriftKind.ChangedOutside, step.Reason + " (removed outside HdIov)"),
        AddGuestIommu o => state.Ledger.GuestIommus.Any(e => e.Attachment!.Uri == o.Uri && e.Attachment.Domain == o.Domain)
            ? (DriftKind.ChangedOutside, $"HdIov added a vIOMMU to the definition of {o.Domain}, and {GuestIommuDefinition.Describe(o.Parts)} was removed outside HdIov")
            : (DriftKind.Declared, $"an attachment asks for a guest vIOMMU (guestIommu: add) and the definition of {o.Domain} lacks {GuestIommuDefinition.Describe(o.Parts)}"),
        _ => (DriftKind.Declared, step.Reason),
    };

    private (DriftKind, string) Create(CreateMdev create)
    {
        if (_ownedMdevs.GetValueOrDefault(create.Uuid) is { } entry && !OwnershipLedger.IsImperative(entry))
        {
            return (DriftKind.ChangedOutside, entry.Persistence == Persistence.HdIov
                ? "the engine made this VDEV and it is gone (removed outside HdIov, or dropped by a reboot: it is recorded for the boot-time converge); it is re-created with the same UUID"
                : "the engine made this VDEV and it is gone: it was removed outside HdIov; it is re-created with the same UUID");
        }

        return (DriftKind.Declared, "declared by the spec and not created yet");
    }

    private (DriftKind, string) Remove(PlanStep step, RemoveMdev remove)
    {
        var entry = _ownedMdevs.GetValueOrDefault(remove.Uuid);
        if (entry is null)
        {
            return (DriftKind.ChangedOutside, "not created by HdIov; " + step.Reason);
        }

        return (DriftKind.Declared, step.Reason);
    }

    private (DriftKind, string) Persist(PersistMdev persist)
    {
        if (!_ownedMdevs.TryGetValue(persist.Uuid, out var entry))
        {
            return (DriftKind.ChangedOutside, "the VDEV is live with the UUID the spec gives it but the ledger does not list it (made outside HdIov); the engine records and persists it");
        }

        var definition = state.MdevctlDefinitions.FirstOrDefault(d => d.Uuid == persist.Uuid);
        var definitionOk = definition is not null && definition.Parent == persist.Parent && definition.Type == persist.Type && definition.AutoStart;
        if (persist.Persist == Persistence.Mdevctl && entry.Persistence == Persistence.Mdevctl && !definitionOk)
        {
            return (DriftKind.ChangedOutside, definition is null
                ? "the engine persisted this VDEV but its mdevctl definition was deleted outside HdIov; it would not come back after a reboot"
                : "the engine persisted this VDEV but its mdevctl definition was edited outside HdIov; it would not come back as declared after a reboot");
        }

        return (DriftKind.Declared, "the spec records this VDEV differently (its name or persistence changed)");
    }

    private (DriftKind, string) Adopt(AdoptMdev adopt) =>
        _ownedMdevs.GetValueOrDefault(adopt.Uuid) is { } entry && OwnershipLedger.IsImperative(entry)
            ? (DriftKind.Declared, $"the spec now declares a VDEV of this type; {entry.VdevName}, created on request, is taken over")
            : (DriftKind.ChangedOutside, "not created by HdIov; ownership: adopt takes it over");

    private (DriftKind, string) VfCount(PlanStep step, SetVfCount count)
    {
        var pf = count.Pf.ToString();
        var entry = state.Ledger.FindVirtualFunctions(pf);
        if (entry is null)
        {
            return count.From > 0
                ? (DriftKind.ChangedOutside, $"{count.From} VFs not created by HdIov; {step.Reason}")
                : (DriftKind.Declared, "declared by the spec and not created yet");
        }

        var final = _finalVfCounts.GetValueOrDefault(pf);
        var current = state.FindFunction(count.Pf)?.Sriov?.NumVfs ?? 0;
        if (entry.Count == final && current != final)
        {
            return (DriftKind.ChangedOutside, $"the engine set {entry.Count} VFs; the host has {current} (changed outside HdIov, or dropped by a reboot)");
        }

        return (DriftKind.Declared, step.Reason);
    }

    private (DriftKind, string) Bind(BindVfDriver bind)
    {
        var pf = state.FindFunction(bind.Vf)?.PhysicalFunction?.ToString();
        var owned = pf is not null && state.Ledger.OwnsVirtualFunctions(pf);
        return owned && bind.From is not null
            ? (DriftKind.ChangedOutside, $"a VF the engine made is bound to {bind.From} instead of {bind.Driver} (rebound outside HdIov, or the spec's driver changed)")
            : (DriftKind.Declared, $"declared with driver {bind.Driver}");
    }

    /// <summary>
    /// The ledger keeps no record of boot arguments, so "edited back" is recognised when the running kernel has the
    /// arguments (they were set and booted) but the boot loader's configuration no longer does.
    /// </summary>
    private (DriftKind, string) BootArguments(SetBootArguments arguments)
    {
        var configured = arguments.Before.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var missing = arguments.After.Split(' ', StringSplitOptions.RemoveEmptyEntries).Except(configured, StringComparer.Ordinal).ToList();
        return missing.Count > 0 && missing.All(a => state.CommandLine.Tokens.Contains(a))
            ? (DriftKind.ChangedOutside, $"the running kernel was booted with {string.Join(' ', missing)} but {Platform.BootLoaders.BootLoader.For(arguments.BootLoader)?.Source ?? "the boot loader"} no longer has them (edited outside HdIov); the next boot would lose them")
            : (DriftKind.Declared, "the spec asks for kernel arguments the boot loader is not configured with");
    }

    private (DriftKind, string) Cdi(PlanStep step, WriteCdiSpec write)
    {
        var current = state.Platform.CdiSpec is null ? [] : CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName).ToHashSet(StringComparer.Ordinal);
        var wanted = write.Devices.Select(d => d.VdevName).ToHashSet(StringComparer.Ordinal);
        return state.Platform.CdiSpec is not null && current.SetEquals(wanted)
            ? (DriftKind.ChangedOutside, "the CDI spec names the declared VDEVs but its content differs from what the engine writes (edited outside HdIov, or a VDEV's IOMMU group changed)")
            : (DriftKind.Declared, step.Reason);
    }

    private (DriftKind, string) QemuArguments(PlanStep step, WriteQemuArgumentsFile write)
    {
        if (!state.Ledger.QemuArgumentsFiles.Contains(write.Path, StringComparer.Ordinal))
        {
            return (DriftKind.Declared, step.Reason);
        }

        var current = state.QemuArgumentsFiles.GetValueOrDefault(write.Path);
        if (current is null)
        {
            return (DriftKind.ChangedOutside, $"HdIov wrote {write.Path} and it was deleted outside HdIov");
        }

        var wanted = write.Devices.Select(d => d.Uuid).OfType<Guid>().ToHashSet();
        return QemuArgumentsFile.NamedVdevs(current).SetEquals(wanted) && QemuArgumentsFile.NamesIommu(current) == write.Iommu
            ? (DriftKind.ChangedOutside, $"{write.Path} names the declared VDEVs but its content differs from what the engine writes (edited outside HdIov)")
            : (DriftKind.Declared, step.Reason);
    }

    private (DriftKind, string) Attach(AttachVdevToVm attach)
    {
        var recorded = state.Ledger.Attachments.Any(e => e.Kind == LedgerEntryKind.VmAttachment && e.Attachment is { } a
            && a.Uri == attach.Uri && a.Domain == attach.Domain && e.Uuid == attach.Device.Uuid && a.PciAddress == attach.Device.PciAddress?.ToString());
        return recorded
            ? (DriftKind.ChangedOutside, $"the engine attached it to {attach.Domain}, and the hostdev was removed outside HdIov")
            : (DriftKind.Declared, $"declared for VM {attach.Domain} and not attached yet");
    }

    private bool IsImperativeAttachment(LedgerEntry entry) =>
        state.Ledger.Attachments.Any(e => e.Kind == entry.Kind && e.Uuid == entry.Uuid && e.Attachment!.Imperative);

    private PlanStep? ResetOf(string parent) =>
        plan.Steps.FirstOrDefault(s => s.Operation is ConfigureDevice configure && configure.ConfiguredPf.ToString() == parent);

    private bool IsLive(Guid uuid, string parent) => state.Mdevs.Any(m => m.Uuid == uuid && m.Parent == parent);
}
