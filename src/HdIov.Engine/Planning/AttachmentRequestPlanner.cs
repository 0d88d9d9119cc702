using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// Plans an imperative <see cref="AttachmentRequest"/> (Connect-/Disconnect-HdIovVirtualDevice) against an observed
/// host: pure, like <see cref="Planner"/>, and applied by the same <see cref="Execution.Executor"/>. Attachments made
/// this way are recorded as imperative, so a later spec run adopts them when it declares the same device and target,
/// and otherwise leaves them alone with a warning.
/// </summary>
public static class AttachmentRequestPlanner
{
    /// <exception cref="PlanRejectedException">The request cannot be carried out; every reason is a diagnostic.</exception>
    public static Plan Connect(string hostName, HostState state, AttachmentRequest request) => Make(hostName, state, request, connect: true);

    /// <exception cref="PlanRejectedException">The request cannot be carried out; every reason is a diagnostic.</exception>
    public static Plan Disconnect(string hostName, HostState state, AttachmentRequest request) => Make(hostName, state, request, connect: false);

    private static Plan Make(string hostName, HostState state, AttachmentRequest request, bool connect)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<Diagnostic>();
        var warnings = new List<Diagnostic>();
        var steps = new List<PendingStep>();
        if ((request.Vm is null) == !request.Container)
        {
            problems.Add(Problem(DiagnosticCodes.ConflictingFields, "a request needs exactly one target: a VM or containers", "give -VmName or -Container"));
        }

        if (request.Devices.IsDefaultOrEmpty)
        {
            problems.Add(Problem(DiagnosticCodes.MissingKey, "no device was given", "name VDEVs with -Uuid or -Name, or pipe Get-HdIovVirtualDevice output"));
        }

        if (problems.Count == 0 && connect)
        {
            foreach (var device in request.Devices.Where(d => !Exists(state, d)))
            {
                problems.Add(Problem(DiagnosticCodes.NoDeviceMatches, $"device {device.Label} does not exist on this host", "create it first (Set-HdIovHostState or New-HdIovVirtualDevice); Get-HdIovVirtualDevice lists the devices"));
            }
        }

        if (problems.Count == 0 && request.Vm is { } vm)
        {
            PlanVm(state, request, vm, connect, steps, problems, warnings);
        }
        else if (problems.Count == 0)
        {
            PlanContainers(state, request, connect, steps, problems);
        }

        return problems.Count > 0
            ? throw new PlanRejectedException(problems)
            : new Plan(hostName, state.Fingerprint, PlanAssembler.Assemble(steps), [.. warnings]) { Observation = state.Scope };
    }

    private static void PlanVm(HostState state, AttachmentRequest request, VmTarget vm, bool connect, List<PendingStep> steps, List<Diagnostic> problems, List<Diagnostic> warnings)
    {
        if (!Names.IsValid(vm.Name))
        {
            problems.Add(Problem(DiagnosticCodes.InvalidName, $"'{HostPath.Printable(vm.Name)}' is not a valid VM name", "use 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit"));
            return;
        }

        var domain = state.Domains.FirstOrDefault(d => d.Matches(vm.Uri, vm.Name));
        if (domain is not { Status: DomainStatus.Found })
        {
            problems.Add(Problem(
                domain?.Status == DomainStatus.Missing ? DiagnosticCodes.DomainNotFound : DiagnosticCodes.LibvirtUnavailable,
                domain?.Problem ?? $"domain '{vm.Name}' on {vm.Uri} was not read",
                domain?.Fix ?? "observe the domain (DomainObserver) before planning"));
            return;
        }

        foreach (var device in request.Devices)
        {
            var recorded = state.Ledger.Attachments.LastOrDefault(e =>
                e.Kind == LedgerEntryKind.VmAttachment && e.Uuid == device.Uuid
                && e.Attachment!.SameTarget(new AttachmentRecord(vm.Uri, vm.Name, vm.Live, device.PciAddress?.ToString(), true)));
            if (connect)
            {
                if (recorded is { Attachment.Imperative: false } && device.IsIn(domain.Config))
                {
                    warnings.Add(new Diagnostic(DiagnosticCodes.AttachmentNotDeclared, DiagnosticSeverity.Warning,
                        $"{device.Label} is already attached to VM {vm.Name} by the spec", "nothing to do; the spec manages this attachment"));
                    continue;
                }

                if (VmAttachmentSteps.Attach(domain, device, vm.Live, imperative: true, recorded) is { } step)
                {
                    steps.Add(step);
                }
            }
            else if (VmAttachmentSteps.Detach(domain, device, vm.Live, recorded, "requested") is { } step)
            {
                steps.Add(step);
            }
            else
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.AttachmentNotDeclared, DiagnosticSeverity.Warning,
                    $"{device.Label} is not attached to VM {vm.Name}", "nothing to do"));
            }
        }
    }

    private static void PlanContainers(HostState state, AttachmentRequest request, bool connect, List<PendingStep> steps, List<Diagnostic> problems)
    {
        foreach (var device in request.Devices.Where(d => d.Uuid is null))
        {
            problems.Add(Problem(DiagnosticCodes.ConflictingFields, $"{device.Label} is a VF; containers get VDEVs (mdevs) through CDI", "attach a VF to a VM with -VmName, or pick a VDEV"));
        }

        if (problems.Count > 0)
        {
            return;
        }

        var current = CdiSpecDocument.Parse(state.Platform.CdiSpec).ToList();
        var devices = current.ToList();
        var ledger = state.Ledger.Attachments.Where(e => e.Kind == LedgerEntryKind.ContainerAttachment).ToList();
        var group = "attachments";
        foreach (var device in request.Devices)
        {
            var uuid = device.Uuid!.Value;
            var recorded = ledger.LastOrDefault(e => e.Uuid == uuid);
            var name = device.VdevName ?? recorded?.VdevName ?? uuid.ToString("D");
            if (connect)
            {
                if (devices.All(d => d.Uuid != uuid))
                {
                    devices.Add(new CdiDeviceEntry(CdiSpecDocument.DeviceName(name), name, uuid));
                }

                if (recorded is null)
                {
                    steps.Add(new PendingStep(StepPhase.Attach, group, $"cdi/{name}", StepAction.Create,
                        new RecordAttachment(AttachmentScopes.ContainerEntry(device with { VdevName = name }, imperative: true)),
                        null, "attached by a command", Disruption.None, "containers request it as hdiov.dev/vdev=" + CdiSpecDocument.DeviceName(name)));
                }
            }
            else
            {
                devices.RemoveAll(d => d.Uuid == uuid);
                if (recorded is not null)
                {
                    steps.Add(new PendingStep(StepPhase.Attach, group, $"cdi/{name}", StepAction.Delete, new ForgetAttachment(recorded),
                        recorded.Attachment!.Imperative ? "attached by a command" : "declared", null, Disruption.None,
                        "containers that already run keep their device nodes; new ones can no longer request it"));
                }
            }
        }

        if (devices.Select(d => d.Uuid).Order().SequenceEqual(current.Select(d => d.Uuid).Order()))
        {
            return;
        }

        var path = HostPath.Combine(KernelPaths.CdiSpecDirectory, CdiSpecDocument.FileName);
        var write = new PendingStep(StepPhase.Attach, group, "attachments/cdi", devices.Count == 0 ? StepAction.Delete : StepAction.Update,
            new WriteCdiSpec(path, devices), state.Platform.CdiSpec is null ? null : $"{current.Count} CDI devices",
            devices.Count == 0 ? null : $"{devices.Count} CDI devices", Disruption.None,
            "containers request the VDEVs as hdiov.dev/vdev=<name>; the spec carries each VDEV's IOMMU group");

        // Recorded before the file names it (a crash leaves a record the next run finishes), forgotten after.
        if (connect)
        {
            steps.Add(write);
        }
        else
        {
            steps.Insert(0, write);
        }
    }

    private static bool Exists(HostState state, VmDevice device) =>
        device.Uuid is { } uuid ? state.Mdevs.Any(m => m.Uuid == uuid) : device.PciAddress is { } pci && state.FindFunction(pci) is not null;

    private static Diagnostic Problem(string code, string message, string hint) => new(code, DiagnosticSeverity.Error, message, hint);
}
