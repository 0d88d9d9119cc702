using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// One pass over an assembled list of steps, blind to device families: each step is mapped to the devices it destroys
/// (a removed VDEV; every VDEV and VF of a PF that is reconfigured or reset; every VF of a PF whose VF count changes; a
/// VF that is rebound), and a device that a VM, a process or containers hold refuses the plan (HDIOV2023), naming each
/// holder and the fix. Under <c>onHeld: detach</c> a domain holder is detached first and re-attached after the device is
/// back instead; a process is never detached. Holders the plan itself lets go first (its own detach steps) do not count.
/// </summary>
internal static class HolderGuard
{
    /// <summary>Checks a declarative plan; refusals go to its problems, held devices it detaches to its warnings and steps.</summary>
    public static void Check(PlanContext context)
    {
        var findings = Evaluate(context.State, context.Steps, parent => context.TargetsByParent.GetValueOrDefault(parent)?.Entry.OnHeld ?? HeldPolicy.Refuse);
        foreach (var finding in findings)
        {
            var target = context.TargetsByParent.GetValueOrDefault(finding.Parent);
            var location = target?.Entry.Location ?? (context.Spec.SourceFile is { } file ? new SourceLocation(file, 1, 1) : null);
            var keyPath = target is null ? "spec.devices" : target.KeyPath + ".onHeld";
            if (finding.Refused)
            {
                context.Problems.Add(new Diagnostic(DiagnosticCodes.DeviceHeld, DiagnosticSeverity.Error, finding.Message, finding.Fix, location, keyPath));
            }
            else
            {
                context.Warnings.Add(new Diagnostic(DiagnosticCodes.DeviceHeld, DiagnosticSeverity.Warning, finding.Message, finding.Fix, location, keyPath));
            }
        }

        context.Steps.AddRange(findings.SelectMany(f => f.Steps));
        if (findings.Count > 0 || Destroyed(context.State, context.Steps).Count > 0)
        {
            foreach (var unreadable in context.State.Holders.Unreadable)
            {
                context.Warnings.Add(new Diagnostic(
                    DiagnosticCodes.DeviceHeld, DiagnosticSeverity.Warning,
                    $"the domains of libvirt at {unreadable} could not be read, so whether they hold the devices this plan changes is not known",
                    "start libvirtd (systemctl start libvirtd) and plan again", null, "spec.devices"));
            }
        }
    }

    /// <summary>The refusals for an imperative plan (no policy: every holder refuses), as diagnostics at <paramref name="keyPath"/>.</summary>
    public static IEnumerable<Diagnostic> Refusals(HostState state, IReadOnlyList<PendingStep> steps, string keyPath) =>
        Evaluate(state, steps, _ => HeldPolicy.Refuse)
            .Select(f => new Diagnostic(DiagnosticCodes.DeviceHeld, DiagnosticSeverity.Error, f.Message, f.Fix, null, keyPath));

    private static List<Finding> Evaluate(HostState state, IReadOnlyList<PendingStep> steps, Func<string, HeldPolicy> policyOf)
    {
        var findings = new List<Finding>();
        if (state.Holders.Devices.IsEmpty)
        {
            return findings;
        }

        var recreated = steps.Select(s => s.Operation).OfType<CreateMdev>().Select(c => c.Uuid).ToHashSet();
        var rebound = steps.Select(s => s.Operation).OfType<BindVfDriver>().Select(b => b.Vf).ToHashSet();
        var published = PublishedAfter(state, steps);
        var detaching = steps.Select(s => s.Operation).OfType<DetachVdevFromVm>().ToList();
        foreach (var (device, step) in Destroyed(state, steps))
        {
            var holders = (device.Mdev is { } uuid ? state.Holders.Of(uuid) : state.Holders.Of(device.Function!.Value)).ToList();
            var domains = holders.OfType<DomainHolder>().ToList();
            var comesBack = device.Mdev is { } id ? recreated.Contains(id) : rebound.Contains(device.Function!.Value);
            var label = Label(state, device);
            var what = Verb(step, device, comesBack);
            var policy = policyOf(device.Parent);
            foreach (var holder in holders)
            {
                switch (holder)
                {
                    case DomainHolder domain when detaching.Any(d => d.Uri == domain.Uri && d.Domain == domain.Domain && d.Device.Id == device.Vm.Id && d.Scope.HasFlag(domain.Scope)):
                        continue;
                    case DomainHolder domain when policy == HeldPolicy.Detach:
                        findings.Add(Detach(state, device, domain, label, what, comesBack));
                        continue;
                    case ProcessHolder process when process.Guest is { } guest && domains.Any(d => d.Domain == guest && d.InLive):
                        continue;
                    case ContainerHolder when comesBack || !published.Contains(device.Mdev!.Value):
                        continue;
                    case QemuArgumentsFileHolder file when comesBack || !NamedAfter(state, steps, file.Path).Contains(device.Mdev!.Value):
                        continue;
                }

                findings.Add(new Finding(
                    device.Parent,
                    true,
                    $"step \"{step.Operation.Describe()}\" would {what} {label}, which {holder.Describe()} holds",
                    holder.Fix(label),
                    []));
            }
        }

        return findings;
    }

    /// <summary>Each live device a step destroys, resets or rebinds, with the first step that does it.</summary>
    private static List<(Device Device, PendingStep Step)> Destroyed(HostState state, IReadOnlyList<PendingStep> steps)
    {
        var found = new List<(Device, PendingStep)>();
        var seen = new HashSet<(Guid?, PciAddress?)>();
        void Add(Device device, PendingStep step)
        {
            if (seen.Add((device.Mdev, device.Function)))
            {
                found.Add((device, step));
            }
        }

        IEnumerable<Device> MdevsOn(string parent) =>
            state.Mdevs.Where(m => m.Parent == parent).Select(m => Device.OfMdev(m.Parent, m.Uuid));

        IEnumerable<Device> VfsOf(PciAddress pf) =>
            state.Functions.Where(f => f.PhysicalFunction == pf).Select(f => Device.OfVf(pf, f.Address));

        foreach (var step in steps)
        {
            var devices = step.Operation switch
            {
                RemoveMdev remove when state.Mdevs.Any(m => m.Uuid == remove.Uuid) => [Device.OfMdev(remove.Parent, remove.Uuid)],
                ConfigureDevice configure => MdevsOn(configure.ConfiguredPf.ToString()).Concat(VfsOf(configure.ConfiguredPf)),
                SetVfCount count when count.From > 0 => VfsOf(count.Pf),
                BindVfDriver bind when bind.From is not null => state.FindFunction(bind.Vf)?.PhysicalFunction is { } pf ? [Device.OfVf(pf, bind.Vf)] : [],
                RestoreVfs restore when restore.From > 0 && restore.From != restore.To => VfsOf(restore.Pf),
                RestoreVfs restore => restore.Drivers
                    .Where(d => PciAddress.TryParse(d.Address, out var vf) && state.FindFunction(vf) is { } now && now.Driver is not null && now.Driver != d.Driver)
                    .Select(d => Device.OfVf(restore.Pf, PciAddress.Parse(d.Address))),
                _ when step.Disruption == Disruption.DeviceReset && PciAddress.TryParse(step.Address, out var reset) => MdevsOn(reset.ToString()).Concat(VfsOf(reset)),
                _ => [],
            };
            foreach (var device in devices)
            {
                Add(device, step);
            }
        }

        return found;
    }

    private static Finding Detach(HostState state, Device device, DomainHolder domain, string label, string what, bool comesBack)
    {
        var group = device.Parent;
        var address = $"vm/{domain.Domain}/{device.Vm.Label}";
        var (disruption, how) = domain switch
        {
            { Running: true, InLive: true } => (Disruption.DeviceReset, "hot-unplugged from the running guest"),
            { Running: true } => (Disruption.VmRestart, "removed from the running VM's definition (it sees the change when it restarts)"),
            _ => (Disruption.None, "removed from the shut-off VM's definition"),
        };
        var record = state.Ledger.Attachments.LastOrDefault(e => e.Kind == LedgerEntryKind.VmAttachment && e.Attachment!.Uri == domain.Uri
            && e.Attachment.Domain == domain.Domain && (e.Uuid == device.Mdev || (device.Function is { } f && e.Attachment.PciAddress == f.ToString())));
        var steps = new List<PendingStep>
        {
            new(StepPhase.Detach, group, address, StepAction.Update, new DetachVdevFromVm(domain.Uri, domain.Domain, device.Vm, domain.Scope),
                AttachmentScopes.Describe(domain.Scope), null, disruption, $"onHeld: detach: {label} is {how} before the plan changes it"),
        };
        if (comesBack)
        {
            steps.Add(new PendingStep(StepPhase.Attach, group, address, StepAction.Update,
                new AttachVdevToVm(domain.Uri, domain.Domain, device.Vm, domain.Scope, domain.InLive, record?.Attachment?.Imperative ?? !domain.AttachedByEngine),
                null, AttachmentScopes.Describe(domain.Scope), Disruption.None, $"onHeld: detach: {label} goes back to {domain.Domain} once it is re-created"));
        }

        return new Finding(
            device.Parent,
            false,
            $"{label} is held by {domain.Describe()}; the plan must {what} it, so under onHeld: detach it is {how} first{(comesBack ? " and re-attached after" : " and not re-attached (it is not re-created)")}",
            "set onHeld: refuse on the device entry to be asked instead",
            steps);
    }

    /// <summary>The mdevs the CDI spec publishes once the plan has run: its last CDI write, else today's spec.</summary>
    private static HashSet<Guid> PublishedAfter(HostState state, IReadOnlyList<PendingStep> steps) =>
        steps.Select(s => s.Operation).OfType<WriteCdiSpec>().LastOrDefault() is { } write
            ? write.Devices.Select(d => d.Uuid).ToHashSet()
            : CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.Uuid).ToHashSet();

    /// <summary>The mdevs a QEMU arguments file names once the plan has run: its last write or removal, else today's file.</summary>
    private static IReadOnlySet<Guid> NamedAfter(HostState state, IReadOnlyList<PendingStep> steps, string path) =>
        steps.Select(s => s.Operation).LastOrDefault(o => o is WriteQemuArgumentsFile w && w.Path == path || o is RemoveQemuArgumentsFile r && r.Path == path) switch
        {
            WriteQemuArgumentsFile write => write.Devices.Select(d => d.Uuid).OfType<Guid>().ToHashSet(),
            RemoveQemuArgumentsFile => new HashSet<Guid>(),
            _ => QemuArgumentsFile.NamedVdevs(state.QemuArgumentsFiles.GetValueOrDefault(path)),
        };

    private static string Verb(PendingStep step, Device device, bool comesBack) => step.Operation switch
    {
        RemoveMdev when comesBack => "re-create",
        RemoveMdev => "remove",
        BindVfDriver or RestoreVfs => "rebind",
        SetVfCount => "remove (the VF count goes through 0)",
        _ when comesBack => "reset and re-create",
        _ when device.Mdev is not null => "destroy (its parent is reset)",
        _ => "reset",
    };

    private static string Label(HostState state, Device device)
    {
        if (device.Function is { } vf)
        {
            return $"VF {vf} of {device.Parent}";
        }

        var uuid = device.Mdev!.Value;
        var type = state.Mdevs.FirstOrDefault(m => m.Uuid == uuid)?.Type;
        return state.Ledger.FindMdev(uuid)?.VdevName is { } name
            ? string.Create(CultureInfo.InvariantCulture, $"VDEV {name} ({type} {uuid:D} on {device.Parent})")
            : string.Create(CultureInfo.InvariantCulture, $"VDEV {type} {uuid:D} on {device.Parent}");
    }

    /// <summary>A VDEV (<see cref="Mdev"/>) or a VF (<see cref="Function"/>) and its parent or PF.</summary>
    private sealed record Device(string Parent, Guid? Mdev, PciAddress? Function)
    {
        public VmDevice Vm => Mdev is { } uuid ? VmDevice.Mdev(Parent, uuid, null) : VmDevice.Vf(Parent, Function!.Value);

        public static Device OfMdev(string parent, Guid uuid) => new(parent, uuid, null);

        public static Device OfVf(PciAddress pf, PciAddress vf) => new(pf.ToString(), null, vf);
    }

    private sealed record Finding(string Parent, bool Refused, string Message, string Fix, IReadOnlyList<PendingStep> Steps);
}
