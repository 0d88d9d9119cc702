using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Families;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// Plans imperative requests (create or remove VDEVs now) with the rules declarative plans follow: the same type,
/// platform and capacity checks, ownership recorded in the ledger before the kernel is touched, mdevctl definitions.
/// VDEVs created this way are recorded as <see cref="VdevOrigin.Imperative"/>, so a converge leaves them alone or
/// takes them over. Pure and deterministic, like <see cref="Planner"/>.
/// </summary>
public static class ImperativePlanner
{
    /// <summary>The <see cref="Plan.HostName"/> of a request planned without the host's identity.</summary>
    public const string UnnamedHost = "localhost";

    /// <summary>
    /// Without a UUID, a VDEV's UUID is a UUIDv5 of its parent and name, so asking again for the same name finds the
    /// same device (a request that failed half way finishes instead of leaking).
    /// </summary>
    public static Guid UuidFor(string parent, string name) => VdevIdentity.UuidV5(VdevIdentity.Namespace, $"imperative/{parent}/{name}");

    /// <exception cref="PlanRejectedException">The request cannot be carried out; every reason is a diagnostic keyed by the request field.</exception>
    public static ImperativePlan PlanCreate(VdevCreateRequest request, HostState state, string hostName = UnnamedHost)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<Diagnostic>();
        var parentName = CheckRequest(request, problems);
        ThrowIfAny(problems);

        var parent = state.FindParent(parentName!);
        var function = PciAddress.TryParse(parentName, out var address) ? state.FindFunction(address) : null;
        var family = DeviceFamilies.Of(function);
        if (parent is null)
        {
            problems.Add(NoParent(parentName!, function, family));
            ThrowIfAny(problems);
        }

        family.CheckCreate(state, parent!, function, problems);
        var type = family.ResolveType(parent!, function, request.Type, problems);
        ThrowIfAny(problems);

        var persistence = parent!.Types.All(t => t.Available.IsNumeric) ? Persistence.Mdevctl : Persistence.HdIov;
        var names = Names(request, state, type!.Id, problems);
        ThrowIfAny(problems);

        var steps = new List<PendingStep>();
        var warnings = new List<Diagnostic>();
        var vdevs = ImmutableArray.CreateBuilder<Guid>(names.Count);
        var definitions = state.MdevctlDefinitions.ToLookup(d => d.Uuid);
        var live = state.Mdevs.GroupBy(m => m.Uuid).ToDictionary(g => g.Key, g => g.First());
        var creates = 0;
        foreach (var name in names)
        {
            var byName = FindByName(state, name);
            var uuid = request.Uuid ?? (byName is not null && OwnershipLedger.IsImperative(byName) && byName.Parent == parent.Name ? byName.Uuid!.Value : UuidFor(parent.Name, name));
            var byUuid = state.Ledger.FindMdev(uuid);
            live.TryGetValue(uuid, out var current);
            if (Conflict(name, uuid, parent.Name, type.Id, byName, byUuid, current) is { } conflict)
            {
                problems.Add(conflict);
                continue;
            }

            vdevs.Add(uuid);
            if (current is not null)
            {
                var defined = persistence != Persistence.Mdevctl
                    || definitions[uuid].Any(d => d.Parent == parent.Name && d.Type == type.Id && d.AutoStart);
                if (!defined || byUuid!.Persistence != persistence)
                {
                    steps.Add(new PendingStep(
                        StepPhase.Persist, parent.Name, name, StepAction.Update,
                        new PersistMdev(parent.Name, type.Id, uuid, name, persistence, VdevOrigin.Imperative),
                        "not persisted", persistence == Persistence.Mdevctl ? "mdevctl definition (start: auto)" : "recorded for the boot-time converge",
                        Disruption.None, "the VDEV exists but would not come back after a reboot"));
                }

                continue;
            }

            creates++;
            steps.Add(new PendingStep(
                StepPhase.Create, parent.Name, name, StepAction.Create,
                new CreateMdev(parent.Name, type.Id, uuid, name, persistence, VdevOrigin.Imperative),
                byUuid is null ? null : $"{type.Id} {uuid} (recorded, not live)",
                $"{type.Id} {uuid}",
                Disruption.None,
                "created on request"));
        }

        if (creates > 0)
        {
            var capacity = family.CheckCapacity(state, parent, function, type, creates);
            if (capacity.Verdict == CreateCapacityVerdict.Exceeded)
            {
                problems.Add(Error(DiagnosticCodes.CapacityExceeded, capacity.Message, capacity.Fix, "Count"));
            }
            else if (capacity.Verdict == CreateCapacityVerdict.Unknown)
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.CapacityExceeded, DiagnosticSeverity.Warning, capacity.Message, capacity.Fix, null, "Count"));
            }
        }

        ThrowIfAny(problems);
        return new ImperativePlan(new Plan(hostName, state.Fingerprint, PlanAssembler.Assemble(steps), [.. warnings]) { Observation = state.Scope }, vdevs.ToImmutable());
    }

    /// <exception cref="PlanRejectedException">A VDEV is unknown, not owned or in use (without Force); every reason is a diagnostic.</exception>
    public static ImperativePlan PlanRemove(VdevRemoveRequest request, HostState state, string hostName = UnnamedHost)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<Diagnostic>();
        var warnings = new List<Diagnostic>();
        var steps = new List<PendingStep>();
        var vdevs = ImmutableArray.CreateBuilder<Guid>();
        var cdiAttached = Attachments.CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.Uuid).ToHashSet();
        foreach (var uuid in request.Uuids.Distinct())
        {
            var live = state.Mdevs.FirstOrDefault(m => m.Uuid == uuid);
            var entry = state.Ledger.FindMdev(uuid);
            var key = string.Create(CultureInfo.InvariantCulture, $"Uuids[{uuid:D}]");
            if (live is null && entry is null)
            {
                problems.Add(Error(
                    DiagnosticCodes.NoDeviceMatches,
                    $"there is no VDEV {uuid:D} on this host",
                    "list the VDEVs with Get-HdIovVirtualDevice",
                    key));
                continue;
            }

            var parent = live?.Parent ?? entry!.Parent;
            var type = live?.Type ?? entry!.Type ?? string.Empty;
            var label = entry?.VdevName is { } vdevName ? $"VDEV {vdevName} ({type} {uuid:D} on {parent})" : $"VDEV {type} {uuid:D} on {parent}";
            if (!request.Force)
            {
                if (entry is null)
                {
                    problems.Add(Error(
                        DiagnosticCodes.VdevNotOwned,
                        $"{label} was not created by the engine (it is not in the ownership ledger), so it is not removed",
                        "remove it anyway with -Force, once nothing uses it",
                        key));
                    continue;
                }

                if (live?.IommuGroup is { } group && request.OpenVfioGroups.TryGetValue(group, out var pid))
                {
                    problems.Add(Error(
                        DiagnosticCodes.DeviceInUse,
                        string.Create(CultureInfo.InvariantCulture, $"{label} is in use: process {pid} holds its IOMMU group /dev/vfio/{group} open"),
                        string.Create(CultureInfo.InvariantCulture, $"stop the VM or program that uses it (process {pid}), or remove it anyway with -Force"),
                        key));
                    continue;
                }

                if (cdiAttached.Contains(uuid))
                {
                    problems.Add(Error(
                        DiagnosticCodes.DeviceInUse,
                        $"{label} is attached to containers: the CDI spec {Host.KernelPaths.CdiSpecDirectory}/{Attachments.CdiSpecDocument.FileName} publishes it",
                        "remove its container attachment from the spec and run Set-HdIovHostState, or remove it anyway with -Force",
                        key));
                    continue;
                }

                if (state.Holders.Of(uuid).OfType<Attachments.Holders.QemuArgumentsFileHolder>().FirstOrDefault() is { } file)
                {
                    problems.Add(Error(
                        DiagnosticCodes.DeviceInUse,
                        $"{label} is attached to a QEMU VM started by hand: the arguments file {file.Path} names it",
                        "remove it from the qemu attachment in the spec and run Set-HdIovHostState, or remove it anyway with -Force",
                        key));
                    continue;
                }
            }

            if (entry is not null && !OwnershipLedger.IsImperative(entry))
            {
                warnings.Add(new Diagnostic(
                    DiagnosticCodes.DeclaredVdevRemoved,
                    DiagnosticSeverity.Warning,
                    $"{label} is declared by a spec; the next Set-HdIovHostState with that spec creates it again",
                    "remove it from the spec as well to keep it removed",
                    null,
                    key));
            }

            vdevs.Add(uuid);
            steps.Add(new PendingStep(
                StepPhase.Remove, parent, entry?.VdevName ?? uuid.ToString("D"), StepAction.Delete,
                new RemoveMdev(parent, type, uuid, entry?.VdevName),
                live is null ? $"{type} {uuid:D} (recorded, not live)" : $"{type} {uuid:D}",
                null,
                live is null ? Disruption.None : Disruption.DeviceReset,
                live is null ? "removed on request: its record and definition" : "removed on request; a VM or container using it loses the device"));
        }

        if (!request.Force)
        {
            problems.AddRange(HolderGuard.Refusals(state, steps, "Uuids"));
        }

        ThrowIfAny(problems);
        return new ImperativePlan(new Plan(hostName, state.Fingerprint, PlanAssembler.Assemble(steps), [.. warnings]) { Observation = state.Scope }, vdevs.ToImmutable());
    }

    private static string? CheckRequest(VdevCreateRequest request, List<Diagnostic> problems)
    {
        if (request.Count is < 1 or > VdevCreateRequest.MaxCount)
        {
            problems.Add(Error(
                DiagnosticCodes.InvalidValue,
                string.Create(CultureInfo.InvariantCulture, $"-Count {request.Count} is out of range"),
                string.Create(CultureInfo.InvariantCulture, $"ask for 1 to {VdevCreateRequest.MaxCount} VDEVs"),
                "Count"));
        }

        if (request.Uuid is { } uuid)
        {
            if (uuid == Guid.Empty)
            {
                problems.Add(Error(DiagnosticCodes.InvalidValue, "the nil UUID cannot name a VDEV", "pass another UUID, or leave out -Uuid for a derived one", "Uuid"));
            }
            else if (request.Count != 1)
            {
                problems.Add(Error(
                    DiagnosticCodes.ConflictingFields,
                    string.Create(CultureInfo.InvariantCulture, $"a UUID names one VDEV, but {request.Count} are asked for"),
                    "leave out -Uuid, or ask for one VDEV",
                    "Uuid"));
            }
        }

        if (request.Name is { } name && !Model.Names.IsValid(name))
        {
            problems.Add(Error(
                DiagnosticCodes.InvalidName,
                $"'{Echo(name)}' is not a valid VDEV name",
                "use 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit, without '..' or '/'",
                "Name"));
        }

        if (!Model.Names.IsValidTypeName(request.Type))
        {
            problems.Add(Error(
                DiagnosticCodes.InvalidName,
                $"'{Echo(request.Type)}' is not a valid mdev type name",
                $"use a type the parent offers (Get-HdIovDevice lists them): an mdev type id such as mtty-1, or a family key ({string.Join(", ", DeviceFamilies.SpecTypeKeys.Select(k => k.Key))})",
                "Type"));
        }

        var parent = request.Parent?.Trim() ?? string.Empty;
        if (PciAddress.TryParse(parent.ToLowerInvariant(), out var address))
        {
            return address.ToString();
        }

        if (parent.Contains(':', StringComparison.Ordinal))
        {
            problems.Add(Error(DiagnosticCodes.InvalidPciAddress, $"'{Echo(parent)}' is not a PCI address", "write it as dddd:bb:dd.f, e.g. 0000:6b:00.0", "Parent"));
            return null;
        }

        if (!Model.Names.IsValid(parent))
        {
            problems.Add(Error(
                DiagnosticCodes.InvalidName,
                $"'{Echo(parent)}' is neither a PCI address nor a parent name",
                "pass a PF's PCI address (dddd:bb:dd.f) or a registered parent's name such as mtty",
                "Parent"));
            return null;
        }

        return parent;
    }

    private static Diagnostic NoParent(string parentName, PciFunction? function, IDeviceFamily family)
    {
        if (function is null && PciAddress.TryParse(parentName, out _))
        {
            return Error(DiagnosticCodes.NoDeviceMatches, $"there is no PCI function {parentName} on this host", "list the PFs with Get-HdIovDevice", "Parent");
        }

        return Error(DiagnosticCodes.DriverMissing, $"{parentName} is not registered as an mdev parent", family.NoParentHint(function), "Parent");
    }

    private static List<string> Names(VdevCreateRequest request, HostState state, string typeId, List<Diagnostic> problems)
    {
        var names = new List<string>();
        if (request.Name is { } name)
        {
            names.AddRange(request.Count == 1 ? [name] : Enumerable.Range(0, request.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{name}-{i}")));
        }
        else if (request.Uuid is { } uuid && state.Ledger.FindMdev(uuid) is { VdevName: { } recorded } entry && OwnershipLedger.IsImperative(entry))
        {
            names.Add(recorded);
        }
        else
        {
            var used = state.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName is not null).Select(e => e.VdevName!).ToHashSet(StringComparer.Ordinal);
            for (var n = 0; names.Count < request.Count; n++)
            {
                var candidate = string.Create(CultureInfo.InvariantCulture, $"{typeId}-{n}");
                if (!used.Contains(candidate))
                {
                    names.Add(candidate);
                }
            }
        }

        foreach (var invalid in names.Where(n => !Model.Names.IsValid(n)).Take(1))
        {
            problems.Add(Error(
                DiagnosticCodes.InvalidName,
                $"the VDEV name '{Echo(invalid)}' is too long or not valid",
                "pass a shorter -Name (1 to 63 letters, digits, '-', '_' or '.')",
                "Name"));
        }

        return names;
    }

    private static LedgerEntry? FindByName(HostState state, string name) =>
        state.Ledger.Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == name);

    private static Diagnostic? Conflict(string name, Guid uuid, string parent, string typeId, LedgerEntry? byName, LedgerEntry? byUuid, MdevDevice? live)
    {
        if (byName is not null && (byName.Uuid != uuid || byName.Parent != parent || byName.Type != typeId || !OwnershipLedger.IsImperative(byName)))
        {
            return Error(
                DiagnosticCodes.DuplicateName,
                $"a VDEV named {name} already exists ({byName.Type} {byName.Uuid:D} on {byName.Parent})",
                $"choose another -Name, or remove that one first with Remove-HdIovVirtualDevice -Name {name}",
                "Name");
        }

        if (byUuid is not null && byUuid.VdevName != name)
        {
            return Error(
                DiagnosticCodes.DuplicateName,
                $"UUID {uuid:D} already belongs to VDEV {byUuid.VdevName} ({byUuid.Type} on {byUuid.Parent})",
                "pass another -Uuid, or leave it out",
                "Uuid");
        }

        if (live is not null && byUuid is null)
        {
            return Error(
                DiagnosticCodes.UnownedInTheWay,
                $"an mdev with UUID {uuid:D} already exists ({live.Type} on {live.Parent}) and the engine did not create it",
                $"pass another -Uuid, or remove that mdev first (Remove-HdIovVirtualDevice -Uuid {uuid:D} -Force)",
                "Uuid");
        }

        if (live is not null && (live.Parent != parent || live.Type != typeId))
        {
            return Error(
                DiagnosticCodes.UnownedInTheWay,
                $"UUID {uuid:D} is live as {live.Type} on {live.Parent}, not {typeId} on {parent}",
                $"remove it first with Remove-HdIovVirtualDevice -Uuid {uuid:D}, or pass another -Uuid",
                "Uuid");
        }

        return null;
    }

    private static Diagnostic Error(string code, string message, string hint, string key) =>
        new(code, DiagnosticSeverity.Error, message, hint, null, key);

    private static void ThrowIfAny(List<Diagnostic> problems)
    {
        if (problems.Count > 0)
        {
            throw new PlanRejectedException(problems);
        }
    }

    private static string Echo(string? text) => Spec.SpecText.Show(text ?? string.Empty);
}
