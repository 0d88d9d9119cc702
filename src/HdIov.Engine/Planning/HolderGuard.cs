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
/// holder and the fix. Under <c>onHeld: detach</c> (the device entry's, or the attachment's that declares the device for
/// the holding domain) a domain holder is detached first and re-attached after the device is back instead; a process is
/// never detached. Holders the plan itself lets go first (its own detach steps) do not count. A device a spec's
/// attachment gives to a VM is checked the same way against every other holder (it moves, or a hostdev the engine did
/// not add is in the way), under the attachment's <c>onHeld</c>.
/// </summary>
internal static class HolderGuard
{
    /// <summary>Checks a declarative plan; refusals go to its problems, held devices it detaches to its warnings and steps.</summary>
    public static void Check(PlanContext context)
    {
        var policies = new Policies(context);
        var findings = Evaluate(context.State, context.Steps, policies);
        findings.AddRange(EvaluateClaims(context.State, context.Steps, policies));
        foreach (var finding in findings)
        {
            var severity = finding.Refused ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
            var diagnostic = new Diagnostic(DiagnosticCodes.DeviceHeld, severity, finding.Message, finding.Fix, finding.Location, finding.KeyPath);
            (finding.Refused ? context.Problems : context.Warnings).Add(diagnostic);
        }

        foreach (var replaced in findings.SelectMany(f => f.Replaces))
        {
            context.Steps.Remove(replaced);
        }

        context.Steps.AddRange(findings.SelectMany(f => f.Steps));
        if (findings.Count > 0 || Destroyed(context.State, context.Steps).Count > 0 || Claimed(context.Steps).Count > 0)
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
        Evaluate(state, steps, new Policies(null))
            .Select(f => new Diagnostic(DiagnosticCodes.DeviceHeld, DiagnosticSeverity.Error, f.Message, f.Fix, null, keyPath));

    private static List<Finding> Evaluate(HostState state, IReadOnlyList<PendingStep> steps, Policies policies)
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
        var claims = Claimed(steps);
        foreach (var (device, step) in Destroyed(state, steps))
        {
            var holders = (device.Mdev is { } uuid ? state.Holders.Of(uuid) : state.Holders.Of(device.Function!.Value)).ToList();
            var domains = holders.OfType<DomainHolder>().ToList();
            var comesBack = device.Mdev is { } id ? recreated.Contains(id) : rebound.Contains(device.Function!.Value);
            var label = Label(state, device);
            var what = Verb(step, device, comesBack);
            foreach (var holder in holders)
            {
                switch (holder)
                {
                    case DomainHolder domain when detaching.Any(d => d.Uri == domain.Uri && d.Domain == domain.Domain && d.Device.Id == device.Vm.Id && d.Scope.HasFlag(domain.Scope)):
                        continue;
                    case DomainHolder domain when claims.Any(c => c.Device.Uuid == device.Mdev && (c.Uri != domain.Uri || c.Domain != domain.Domain)):
                        continue; // an attachment gives the device to another VM: the claim decides whether this domain lets go
                    case DomainHolder domain when policies.For(device, domain) is { Policy: HeldPolicy.Detach } allowed:
                        findings.Add(Detach(state, device, domain, label, what, comesBack, allowed));
                        continue;
                    case ProcessHolder process when process.Guest is { } guest && domains.Any(d => d.Domain == guest && d.InLive):
                        continue;
                    case ContainerHolder when comesBack || !published.Contains(device.Mdev!.Value):
                        continue;
                    case QemuArgumentsFileHolder file when comesBack || !NamedAfter(state, steps, file.Path).Contains(device.Mdev!.Value):
                        continue;
                }

                var refusing = policies.ForEntry(device.Parent);
                findings.Add(new Finding(
                    true,
                    $"step \"{step.Operation.Describe()}\" would {what} {label}, which {holder.Describe()} holds",
                    holder.Fix(label),
                    [],
                    refusing.Location,
                    refusing.KeyPath));
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

    /// <summary>
    /// The devices a spec's attachment gives to a VM that other holders have: a domain that is not the declared one
    /// (the VDEV moves, or a hostdev the engine did not add is in the way), a process, or containers that keep it.
    /// Under the attachment's <c>onHeld: detach</c> each other domain lets go of it first; a process still refuses.
    /// </summary>
    private static List<Finding> EvaluateClaims(HostState state, List<PendingStep> steps, Policies policies)
    {
        var findings = new List<Finding>();
        if (state.Holders.Devices.IsEmpty)
        {
            return findings;
        }

        var published = PublishedAfter(state, steps);
        foreach (var attach in Claimed(steps))
        {
            var uuid = attach.Device.Uuid!.Value;
            var device = Device.OfMdev(attach.Device.Parent, uuid);
            var label = Label(state, device, attach.Device.VdevName);
            var declared = policies.ForAttachment(uuid);
            var target = $"VM {attach.Domain} at {attach.Uri}";
            var holders = state.Holders.Of(uuid).ToList();
            var others = holders.OfType<DomainHolder>().Where(d => d.Uri != attach.Uri || d.Domain != attach.Domain).ToList();
            foreach (var holder in holders)
            {
                switch (holder)
                {
                    case DomainHolder domain when domain.Uri == attach.Uri && domain.Domain == attach.Domain:
                        continue;
                    case DomainHolder domain when declared.Policy == HeldPolicy.Detach:
                        var existing = steps.Where(s => s.Operation is DetachVdevFromVm d && d.Uri == domain.Uri && d.Domain == domain.Domain && d.Device.Uuid == uuid).ToList();
                        findings.Add(Take(attach.Device, domain, label, target, declared, existing));
                        continue;
                    case DomainHolder domain:
                        findings.Add(new Finding(
                            true,
                            $"{declared.Owner} gives {label} to {target}, but {domain.Describe()} holds it",
                            $"set onHeld: detach on the attachment so the plan takes it from {domain.Domain} first ({(domain.InLive ? "hot-unplugged from the running guest" : "removed from its definition")}), "
                                + $"or detach it from {domain.Domain} yourself (virsh -c {domain.Uri} detach-device {domain.Domain} <hostdev.xml>{(domain.InLive ? " --live" : string.Empty)} --config)",
                            [],
                            declared.Location,
                            declared.KeyPath));
                        continue;
                    case ProcessHolder process when process.Guest is { } guest && others.Any(d => d.Domain == guest && d.InLive):
                        continue;
                    case ContainerHolder when !published.Contains(uuid):
                        continue;
                }

                findings.Add(new Finding(
                    true,
                    $"{declared.Owner} gives {label} to {target}, but {holder.Describe()} holds it",
                    holder.Fix(label),
                    [],
                    declared.Location,
                    declared.KeyPath));
            }
        }

        return findings;
    }

    /// <summary>The attach steps a spec's VM attachments planned (a command's attachments are not checked here).</summary>
    private static List<AttachVdevToVm> Claimed(IReadOnlyList<PendingStep> steps) =>
        [.. steps.Select(s => s.Operation).OfType<AttachVdevToVm>().Where(a => !a.Imperative && a.Device.Uuid is not null)];

    private static Finding Detach(HostState state, Device device, DomainHolder domain, string label, string what, bool comesBack, PolicySource policy)
    {
        var group = device.Parent;
        var address = $"vm/{domain.Domain}/{device.Vm.Label}";
        var (disruption, how) = Unplug(domain);
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
            false,
            $"{label} is held by {domain.Describe()}; the plan must {what} it, so under onHeld: detach it is {how} first{(comesBack ? " and re-attached after" : " and not re-attached (it is not re-created)")}",
            $"set onHeld: refuse on {policy.Owner} to be asked instead",
            steps,
            policy.Location,
            policy.KeyPath);
    }

    /// <summary>
    /// Takes a device an attachment gives to another VM from <paramref name="domain"/>: one detach step in every scope the
    /// domain has it, in place of the detach the attachment planner made for a recorded attachment the spec dropped.
    /// </summary>
    private static Finding Take(VmDevice device, DomainHolder domain, string label, string target, PolicySource policy, IReadOnlyList<PendingStep> replaces)
    {
        var (disruption, how) = Unplug(domain);
        var step = new PendingStep(
            StepPhase.Detach, device.Parent, $"vm/{domain.Domain}/{device.Label}", StepAction.Delete,
            new DetachVdevFromVm(domain.Uri, domain.Domain, device, domain.Scope),
            AttachmentScopes.Describe(domain.Scope), null, disruption, $"onHeld: detach: {label} is {how} before it goes to {target}");
        return new Finding(
            false,
            $"{label} is held by {domain.Describe()}; {policy.Owner} gives it to {target}, so under onHeld: detach it is {how} first",
            $"set onHeld: refuse on {policy.Owner} to be asked instead",
            [step],
            policy.Location,
            policy.KeyPath)
        {
            Replaces = replaces,
        };
    }

    /// <summary>What taking a device out of a domain costs it, and how the plan says it.</summary>
    private static (Disruption Disruption, string How) Unplug(DomainHolder domain) => domain switch
    {
        { Running: true, InLive: true } => (Disruption.DeviceReset, "hot-unplugged from the running guest"),
        { Running: true } => (Disruption.VmRestart, "removed from the running VM's definition (it sees the change when it restarts)"),
        _ => (Disruption.None, "removed from the shut-off VM's definition"),
    };

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

    private static string Label(HostState state, Device device, string? vdevName = null)
    {
        if (device.Function is { } vf)
        {
            return $"VF {vf} of {device.Parent}";
        }

        var uuid = device.Mdev!.Value;
        var type = state.Mdevs.FirstOrDefault(m => m.Uuid == uuid)?.Type is { } live ? live + " " : string.Empty;
        return (state.Ledger.FindMdev(uuid)?.VdevName ?? vdevName) is { } name
            ? string.Create(CultureInfo.InvariantCulture, $"VDEV {name} ({type}{uuid:D} on {device.Parent})")
            : string.Create(CultureInfo.InvariantCulture, $"VDEV {type}{uuid:D} on {device.Parent}");
    }

    /// <summary>A VDEV (<see cref="Mdev"/>) or a VF (<see cref="Function"/>) and its parent or PF.</summary>
    private sealed record Device(string Parent, Guid? Mdev, PciAddress? Function)
    {
        public VmDevice Vm => Mdev is { } uuid ? VmDevice.Mdev(Parent, uuid, null) : VmDevice.Vf(Parent, Function!.Value);

        public static Device OfMdev(string parent, Guid uuid) => new(parent, uuid, null);

        public static Device OfVf(PciAddress pf, PciAddress vf) => new(pf.ToString(), null, vf);
    }

    private sealed record Finding(bool Refused, string Message, string Fix, IReadOnlyList<PendingStep> Steps, SourceLocation? Location, string KeyPath)
    {
        /// <summary>Steps the finding's own <see cref="Steps"/> take the place of.</summary>
        public IReadOnlyList<PendingStep> Replaces { get; init; } = [];
    }

    /// <summary>An <c>onHeld</c> policy and where the spec says it (<see cref="Owner"/> in words, for messages).</summary>
    private sealed record PolicySource(HeldPolicy Policy, SourceLocation? Location, string KeyPath, string Owner);

    /// <summary>
    /// Who decides for a held device: its device entry's <c>onHeld</c>, and the <c>onHeld</c> of the attachment that
    /// declares a VDEV for the domain holding it; either one's <c>detach</c> lets that domain be detached. No context
    /// (an imperative request) refuses every holder.
    /// </summary>
    private sealed class Policies
    {
        private readonly PlanContext? _context;
        private readonly Dictionary<Guid, (int Index, AttachmentSpec Attachment)> _attachments = [];

        public Policies(PlanContext? context)
        {
            _context = context;
            if (context is null)
            {
                return;
            }

            for (var index = 0; index < context.Spec.Attachments.Length; index++)
            {
                var attachment = context.Spec.Attachments[index];
                foreach (var vdev in attachment.Vdevs)
                {
                    if (context.DesiredByName.TryGetValue(vdev.ToString(), out var planned) || AttachmentPlanner.TryFindOwned(context, vdev.ToString(), out planned))
                    {
                        _attachments.TryAdd(planned.Uuid, (index, attachment));
                    }
                }
            }
        }

        public PolicySource ForEntry(string parent)
        {
            var target = _context?.TargetsByParent.GetValueOrDefault(parent);
            var location = target?.Entry.Location ?? (_context?.Spec.SourceFile is { } file ? new SourceLocation(file, 1, 1) : null);
            return new PolicySource(target?.Entry.OnHeld ?? HeldPolicy.Refuse, location, target is null ? "spec.devices" : target.KeyPath + ".onHeld", "the device entry");
        }

        public PolicySource ForAttachment(Guid uuid)
        {
            if (!_attachments.TryGetValue(uuid, out var declared))
            {
                return new PolicySource(HeldPolicy.Refuse, null, "spec.attachments", "an attachment");
            }

            var (index, attachment) = declared;
            var keyPath = string.Create(CultureInfo.InvariantCulture, $"spec.attachments[{index}]");
            return new PolicySource(attachment.OnHeld, attachment.Location, keyPath + ".onHeld", keyPath);
        }

        /// <summary>The policy that lets <paramref name="domain"/> be detached from <paramref name="device"/>: the entry's, else its attachment's to that domain.</summary>
        public PolicySource For(Device device, DomainHolder domain)
        {
            var entry = ForEntry(device.Parent);
            if (entry.Policy == HeldPolicy.Detach || device.Mdev is not { } uuid || !_attachments.TryGetValue(uuid, out var declared)
                || declared.Attachment.Vm is not { } vm || vm.Uri != domain.Uri || vm.Name != domain.Domain)
            {
                return entry;
            }

            return ForAttachment(uuid) is { Policy: HeldPolicy.Detach } attachment ? attachment : entry;
        }
    }
}
