using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// <c>hdiov:index:Attachment</c>: VDEVs handed to containers (CDI devices <c>hdiov.dev/vdev=&lt;name&gt;</c>) or to a
/// libvirt domain (mdev hostdevs through the engine's libvirt steps). Planned with a scope of its own VDEVs, so the CDI
/// spec keeps the devices of other attachments and the domains keep the hostdevs of other attachments. The id is
/// <c>container:&lt;vdevs&gt;</c> or <c>vm:&lt;domain&gt;:&lt;vdevs&gt;@&lt;uri&gt;</c>, VDEV names comma-separated.
/// A change that reaches a running guest only at its next restart (a non-live attachment) is reported in
/// <c>pendingVmRestart</c> and as a warning: Pulumi has no confirmation step to ask for it.
/// </summary>
internal sealed class AttachmentResource(EngineLog log) : ResourceHandler
{
    public const string Type = "hdiov:index:Attachment";

    /// <summary>The connection a VM attachment uses when <c>vm.uri</c> is absent, as in the spec document.</summary>
    public const string DefaultVmUri = "qemu:///system";

    private const string ContainerPrefix = "container:";
    private const string VmPrefix = "vm:";

    public override string Token => Type;

    public override IReadOnlyList<string> InputKeys { get; } = ["vdevs", "vm", "container", "onHeld"];

    public override IReadOnlySet<string> ReplaceKeys { get; } = new HashSet<string>(StringComparer.Ordinal) { "container" };

    /// <summary>Another domain or connection replaces the attachment; <c>vm.live</c> alone changes it in place.</summary>
    public override bool Replaces(string key, PropertyValue? before, PropertyValue? after) =>
        key == "vm" ? TargetOf(before) != TargetOf(after) : ReplaceKeys.Contains(key);

    public override CheckOutcome Check(PropertyMap news, string resourceName)
    {
        if (news.Values.Any(v => v.ContainsUnknown))
        {
            return new CheckOutcome(news, []);
        }

        var failures = new List<(string, string)>();
        var inputs = news.Reveal();
        if (inputs.Get("vdevs") is not ArrayValue { Items.Length: > 0 } vdevs)
        {
            failures.Add(("vdevs", "HDIOV1005: list at least one VDEV name (device/pf/type/n, e.g. qat/0/asym/0)"));
        }
        else
        {
            for (var index = 0; index < vdevs.Items.Length; index++)
            {
                if (vdevs.Items[index] is not StringValue text || !VdevName.TryParse(text.Value, out _))
                {
                    failures.Add(($"vdevs[{index}]", $"HDIOV1006: {vdevs.Items[index]} is not a VDEV name. Fix: write device/pf/type/n, e.g. qat/0/asym/0 (a DeviceSplit's name, PF ordinal, type, ordinal)"));
                }
            }

            if (vdevs.Items.Distinct().Count() != vdevs.Items.Length)
            {
                failures.Add(("vdevs", "HDIOV1007: a VDEV is listed twice. Fix: list each VDEV once"));
            }
        }

        var vm = Outputs.MapOf(inputs, "vm");
        var container = Outputs.MapOf(inputs, "container");
        if ((vm is null) == (container is null))
        {
            failures.Add((vm is null ? "container" : "vm", vm is null
                ? "HDIOV1005: an attachment needs either vm or container. Fix: add container: { cdi: true } or vm: { name: ... }"
                : "HDIOV1010: vm and container exclude each other. Fix: keep one of them"));
        }

        if (vm is not null && !Names.IsValid(Outputs.TextOf(vm, "name")))
        {
            failures.Add(("vm.name", $"HDIOV1008: the domain name is missing or invalid. Fix: use 1 to {Names.MaxLength} ASCII letters, digits, '-', '_' or '.'"));
        }

        if (vm is not null && vm.Get("guestIommu") is { } guestIommu && GuestIommuOf(guestIommu) is null)
        {
            failures.Add(("vm.guestIommu", $"HDIOV1006: {guestIommu} is not one of the guestIommu values. Fix: write report (the default: only report what the domain lacks) or add (add the vIOMMU to the shut-off domain's definition)"));
        }

        if (vm is not null && Outputs.TextOf(vm, "uri") is { } uri && !IsUri(uri))
        {
            failures.Add(("vm.uri", $"HDIOV1006: '{uri}' is not a libvirt connection URI. Fix: write a URI such as \"{DefaultVmUri}\" (printable ASCII, no spaces), or remove 'uri' to use that default"));
        }

        if (inputs.Get("onHeld") is { } onHeld && OnHeldOf(onHeld) is null)
        {
            failures.Add(("onHeld", $"HDIOV1006: {onHeld} is not an onHeld policy. Fix: use refuse (the default) or detach"));
        }

        return new CheckOutcome(news, failures);
    }

    public override Task<ResourceState> CreateAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, inputs, [], preview, urn, cancellationToken);

    public override Task<ResourceState> UpdateAsync(HostContext host, string id, PropertyMap oldInputs, PropertyMap news, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, news, VdevsOf(oldInputs), preview, urn, cancellationToken);

    public override Task<ResourceState?> ReadAsync(HostContext host, string id, PropertyMap? inputs, string urn, CancellationToken cancellationToken)
    {
        var imported = inputs is null || inputs.Count == 0;
        inputs = imported ? InputsOfId(id) : inputs;
        if (inputs is null)
        {
            return Task.FromResult<ResourceState?>(null);
        }

        var vdevs = VdevsOf(inputs);
        if (TargetOf(inputs.Get("vm")) is not { } target)
        {
            var state = host.Observe(cancellationToken);
            var listed = CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName).ToHashSet(StringComparer.Ordinal);
            var present = vdevs.Where(listed.Contains).ToList();
            return Task.FromResult(present.Count == 0 ? null : Observed(inputs, present, state, null));
        }

        var observed = host.Observe(SpecOf(host, inputs), libvirt: true, cancellationToken);
        var domain = observed.Domains.First(d => d.Matches(target.Uri, target.Name));
        if (domain.Status == DomainStatus.Missing)
        {
            return Task.FromResult<ResourceState?>(null);
        }

        if (domain.Status != DomainStatus.Found)
        {
            throw ProviderErrors.FailedPrecondition($"the domain '{target.Name}' at {target.Uri} cannot be read: {domain.Problem}. Fix: {domain.Fix}");
        }

        var attached = vdevs.Where(v => UuidOf(observed, v) is { } uuid && (domain.Config.Mdevs.Contains(uuid) || domain.Live.Mdevs.Contains(uuid))).ToList();
        if (attached.Count == 0)
        {
            return Task.FromResult<ResourceState?>(null);
        }

        if (imported)
        {
            // Written as a program would write it: the defaults (qemu:///system, live) left out, so the import diffs clean.
            var hotPlugged = !domain.Active || attached.All(v => domain.Live.Mdevs.Contains(UuidOf(observed, v)!.Value));
            var vm = new List<(string, PropertyValue)> { ("name", PropertyValue.From(target.Name)) };
            if (target.Uri != DefaultVmUri)
            {
                vm.Add(("uri", PropertyValue.From(target.Uri)));
            }

            if (!hotPlugged)
            {
                vm.Add(("live", PropertyValue.From(false)));
            }

            if (observed.Ledger.GuestIommus.Any(e => e.Attachment!.Uri == target.Uri && e.Attachment.Domain == target.Name && e.GuestIommu!.Vdevs.Intersect(attached, StringComparer.Ordinal).Any()))
            {
                vm.Add(("guestIommu", PropertyValue.From("add")));
            }

            inputs = inputs.With("vm", Outputs.Object([.. vm]));
        }

        return Task.FromResult<ResourceState?>(Observed(inputs, attached, observed, domain));
    }

    public override async Task DeleteAsync(HostContext host, string id, PropertyMap oldInputs, string urn, CancellationToken cancellationToken)
    {
        var spec = new HostSpec(host.HostName, PlatformSpec.Empty, [], []);
        var scope = PlanScope.Of([], VdevsOf(oldInputs));
        if (Outputs.MapOf(oldInputs, "container") is not null)
        {
            await host.ConvergeAsync(spec, scope, apply: true, cancellationToken).ConfigureAwait(false);
        }
        else if (Outputs.MapOf(oldInputs, "vm") is not null)
        {
            await host.ConvergeAsync(spec, scope, apply: true, cancellationToken, libvirt: true).ConfigureAwait(false);
        }
    }

    public override async Task<bool> HasDriftAsync(HostContext host, PropertyMap inputs, string urn, CancellationToken cancellationToken)
    {
        var scope = PlanScope.Of([], VdevsOf(inputs));
        if (Outputs.MapOf(inputs, "container") is not null)
        {
            return !(await host.ConvergeAsync(SpecOf(host, inputs), scope, apply: false, cancellationToken).ConfigureAwait(false)).Plan.IsEmpty;
        }

        return !(await host.ConvergeAsync(SpecOf(host, inputs), scope, apply: false, cancellationToken, libvirt: true).ConfigureAwait(false)).Plan.IsEmpty;
    }

    /// <summary>Warns when the change reaches a running guest only at its next restart: the engine would ask first, Pulumi cannot.</summary>
    public override async Task ReviewDiffAsync(HostContext host, PropertyMap oldInputs, PropertyMap news, string urn, CancellationToken cancellationToken)
    {
        if (TargetOf(news.Get("vm")) is null || news.Values.Any(v => v.ContainsUnknown))
        {
            return;
        }

        try
        {
            var scope = PlanScope.Of([], VdevsOf(news).Concat(VdevsOf(oldInputs)));
            var converged = await host.ConvergeAsync(SpecOf(host, news), scope, apply: false, cancellationToken, libvirt: true).ConfigureAwait(false);
            if (RestartSteps(converged.Plan) is { Count: > 0 } restart)
            {
                await log.WarningAsync("this change reaches the running VM only when it restarts: " + string.Join("; ", restart), urn).ConfigureAwait(false);
            }
        }
        catch (PlanRejectedException)
        {
            // Create or Update reports the reasons with the proper status; a diff only informs.
        }
    }

    private async Task<ResourceState> ConvergeAsync(HostContext host, PropertyMap inputs, IReadOnlyList<string> previous, bool preview, string urn, CancellationToken cancellationToken)
    {
        if (preview && inputs.Values.Any(v => v.ContainsUnknown))
        {
            return new ResourceState(string.Empty, Outputs.Merge(inputs, [("cdiDevices", PropertyValue.Unknown), ("virtualDevices", PropertyValue.Unknown), ("pendingVmRestart", PropertyValue.Unknown)]), inputs);
        }

        var vdevs = VdevsOf(inputs);
        var spec = SpecOf(host, inputs);
        var scope = PlanScope.Of([], vdevs.Concat(previous));
        var libvirt = TargetOf(inputs.Get("vm")) is not null;
        try
        {
            var converged = await host.ConvergeAsync(spec, scope, apply: !preview, cancellationToken, libvirt).ConfigureAwait(false);
            var restart = RestartSteps(converged.Plan);
            if (restart.Count > 0)
            {
                await log.WarningAsync("the VM gets this change only when it restarts: " + string.Join("; ", restart), urn).ConfigureAwait(false);
            }

            var domain = TargetOf(inputs.Get("vm")) is { } target ? converged.State.Domains.FirstOrDefault(d => d.Matches(target.Uri, target.Name)) : null;
            var outputs = Outputs.Merge(inputs, Computed(converged.State, vdevs, inputs, preview, domain, preview ? restart : null));
            return new ResourceState(IdOf(inputs), outputs, inputs);
        }
        catch (PlanRejectedException rejected) when (preview && rejected.Diagnostics.All(d => d.Code == DiagnosticCodes.VdevNotPlanned))
        {
            // A preview of a new program: the DeviceSplit that makes these VDEVs is itself only previewed, so they are not on the host yet.
            return new ResourceState(IdOf(inputs), Outputs.Merge(inputs, Computed(host.Observe(cancellationToken), vdevs, inputs, preview: true, null, [])), inputs);
        }
        catch (ApplyFailedException failed)
        {
            var state = libvirt ? host.Observe(spec, libvirt: true, CancellationToken.None) : host.Observe(CancellationToken.None);
            var domain = TargetOf(inputs.Get("vm")) is { } target ? state.Domains.FirstOrDefault(d => d.Matches(target.Uri, target.Name)) : null;
            throw new PartialApplyException(new ResourceState(IdOf(inputs), Outputs.Merge(inputs, Computed(state, vdevs, inputs, false, domain, null)), inputs), failed);
        }
    }

    private static ResourceState Observed(PropertyMap inputs, List<string> present, HostState state, DomainObservation? domain)
    {
        var observedInputs = inputs.With("vdevs", Outputs.Texts(present));
        return new ResourceState(IdOf(observedInputs), Outputs.Merge(observedInputs, Computed(state, present, observedInputs, preview: false, domain, null)), observedInputs);
    }

    private static HostSpec SpecOf(HostContext host, PropertyMap inputs)
    {
        var names = VdevsOf(inputs).Select(n => VdevName.TryParse(n, out var parsed) ? parsed : throw ProviderErrors.InvalidArgument($"'{n}' is not a VDEV name"));
        var onHeld = OnHeldOf(inputs.Get("onHeld")) ?? throw ProviderErrors.InvalidArgument("onHeld is refuse or detach");
        if (TargetOf(inputs.Get("vm")) is { } target)
        {
            var vm = Outputs.MapOf(inputs, "vm")!;
            var live = vm.Get("live")?.Reveal() is not BoolValue { Value: false };
            var guestIommu = vm.Get("guestIommu") is { } value ? GuestIommuOf(value) ?? GuestIommuPolicy.Report : GuestIommuPolicy.Report;
            return new HostSpec(host.HostName, PlatformSpec.Empty, [], [new AttachmentSpec([.. names], new VmTarget(target.Name, target.Uri, live) { GuestIommu = guestIommu }, null) { OnHeld = onHeld }]);
        }

        var cdi = Outputs.MapOf(inputs, "container")?.Get("cdi")?.Reveal() is not BoolValue { Value: false };
        return new HostSpec(host.HostName, PlatformSpec.Empty, [], [new AttachmentSpec([.. names], null, new ContainerTarget(cdi)) { OnHeld = onHeld }]);
    }

    /// <summary>The attachment's <c>onHeld</c> input: refuse when absent, null when it is not a policy.</summary>
    private static HeldPolicy? OnHeldOf(PropertyValue? value) => value?.Reveal() switch
    {
        null => HeldPolicy.Refuse,
        var revealed when revealed.Equals(PropertyValue.Null) => HeldPolicy.Refuse,
        StringValue { Value: "refuse" } => HeldPolicy.Refuse,
        StringValue { Value: "detach" } => HeldPolicy.Detach,
        _ => null,
    };

    /// <summary>
    /// CDI device names (container attachments), the VDEVs' UUIDs and IOMMU groups, and what waits for a VM restart:
    /// in a preview the plan's steps that need one; otherwise VDEVs in the domain's persistent definition and not in
    /// the running guest, or the other way round.
    /// </summary>
    private static IEnumerable<(string, PropertyValue)> Computed(HostState state, IReadOnlyList<string> vdevs, PropertyMap inputs, bool preview, DomainObservation? domain, IReadOnlyList<string>? plannedRestarts)
    {
        var devices = new List<PropertyValue>();
        foreach (var name in vdevs)
        {
            var owned = state.Ledger.Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == name);
            var mdev = owned?.Uuid is { } uuid ? state.Mdevs.FirstOrDefault(m => m.Uuid == uuid) : null;
            devices.Add(Outputs.Object(
                ("name", PropertyValue.From(name)),
                ("uuid", owned?.Uuid is { } id ? PropertyValue.From(id.ToString("D")) : preview ? PropertyValue.Unknown : PropertyValue.Null),
                ("iommuGroup", mdev?.IommuGroup is { } group ? PropertyValue.From(group) : preview ? PropertyValue.Unknown : PropertyValue.Null)));
        }

        var container = Outputs.MapOf(inputs, "container") is not null;
        var pending = plannedRestarts ?? (domain is { Status: DomainStatus.Found, Active: true }
            ? [.. vdevs.Where(v => UuidOf(state, v) is { } uuid && domain.Config.Mdevs.Contains(uuid) != domain.Live.Mdevs.Contains(uuid))
                .Select(v => domain.Config.Mdevs.Contains(UuidOf(state, v)!.Value)
                    ? $"{v} is in the definition of {domain.Name} and reaches the guest when it restarts"
                    : $"{v} is still in the running guest {domain.Name} and leaves it when it restarts")]
            : new List<string>());
        return
        [
            ("cdiDevices", container ? Outputs.Texts(vdevs.Select(v => $"{CdiSpecDocument.Kind}={CdiSpecDocument.DeviceName(v)}")) : Outputs.Texts([])),
            ("virtualDevices", PropertyValue.From(devices)),
            ("pendingVmRestart", Outputs.Texts(pending)),
        ];
    }

    private static List<string> RestartSteps(Plan plan) =>
        [.. plan.Steps.Where(s => s.Disruption == Disruption.VmRestart).Select(s => $"{s.Description} ({s.Reason})")];

    private static Guid? UuidOf(HostState state, string vdev) =>
        state.Ledger.Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == vdev)?.Uuid;

    /// <summary>The domain and connection a <c>vm</c> input names (the connection defaulted); null for anything else.</summary>
    private static (string Name, string Uri)? TargetOf(PropertyValue? vm) =>
        vm?.Reveal() is ObjectValue o && Outputs.TextOf(o.Map, "name") is { } name
            ? (name, Outputs.TextOf(o.Map, "uri") ?? DefaultVmUri)
            : null;

    private static PropertyMap? InputsOfId(string id)
    {
        if (id.StartsWith(ContainerPrefix, StringComparison.Ordinal))
        {
            return new PropertyMap(
            [
                KeyValuePair.Create("vdevs", Outputs.Texts(id[ContainerPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))),
                KeyValuePair.Create("container", Outputs.Object(("cdi", PropertyValue.From(true)))),
            ]);
        }

        var at = id.IndexOf('@', StringComparison.Ordinal);
        var colon = id.IndexOf(':', VmPrefix.Length);
        if (!id.StartsWith(VmPrefix, StringComparison.Ordinal) || at < 0 || colon < 0 || colon > at)
        {
            return null;
        }

        return new PropertyMap(
        [
            KeyValuePair.Create("vdevs", Outputs.Texts(id[(colon + 1)..at].Split(',', StringSplitOptions.RemoveEmptyEntries))),
            KeyValuePair.Create("vm", Outputs.Object(("name", PropertyValue.From(id[VmPrefix.Length..colon])), ("uri", PropertyValue.From(id[(at + 1)..])))),
        ]);
    }

    private static ImmutableArray<string> VdevsOf(PropertyMap inputs) =>
        inputs.Get("vdevs")?.Reveal() is ArrayValue list ? [.. list.Items.OfType<StringValue>().Select(s => s.Value)] : [];

    private static string IdOf(PropertyMap inputs) =>
        TargetOf(inputs.Get("vm")) is { } target
            ? $"{VmPrefix}{target.Name}:{string.Join(',', VdevsOf(inputs))}@{target.Uri}"
            : ContainerPrefix + string.Join(',', VdevsOf(inputs));

    private static bool IsUri(string text) => LibvirtUri.IsValid(text);

    /// <summary>The policy a <c>vm.guestIommu</c> input names; null for anything but <c>report</c> and <c>add</c>.</summary>
    private static GuestIommuPolicy? GuestIommuOf(PropertyValue value) => value.Reveal() switch
    {
        StringValue { Value: "report" } => GuestIommuPolicy.Report,
        StringValue { Value: "add" } => GuestIommuPolicy.Add,
        _ => null,
    };
}
