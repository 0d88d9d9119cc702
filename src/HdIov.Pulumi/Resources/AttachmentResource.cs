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
/// libvirt domain. Planned with a scope of its own VDEVs, so the CDI spec keeps the devices of other attachments.
/// The id is <c>container:</c> followed by the VDEV names, comma-separated. VM attachments need the engine's
/// libvirt attachment steps, which this engine version does not have: they are refused with FailedPrecondition.
/// </summary>
internal sealed class AttachmentResource : ResourceHandler
{
    public const string Type = "hdiov:index:Attachment";
    private const string ContainerPrefix = "container:";

    public override string Token => Type;

    public override IReadOnlyList<string> InputKeys { get; } = ["vdevs", "vm", "container"];

    public override IReadOnlySet<string> ReplaceKeys { get; } = new HashSet<string>(StringComparer.Ordinal) { "vm", "container" };

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

        return new CheckOutcome(news, failures);
    }

    public override Task<ResourceState> CreateAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, inputs, [], preview, cancellationToken);

    public override Task<ResourceState> UpdateAsync(HostContext host, string id, PropertyMap oldInputs, PropertyMap news, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, news, VdevsOf(oldInputs), preview, cancellationToken);

    public override Task<ResourceState?> ReadAsync(HostContext host, string id, PropertyMap? inputs, string urn, CancellationToken cancellationToken)
    {
        var state = host.Observe(cancellationToken);
        if (inputs is null || inputs.Count == 0)
        {
            if (!id.StartsWith(ContainerPrefix, StringComparison.Ordinal))
            {
                return Task.FromResult<ResourceState?>(null);
            }

            inputs = new PropertyMap(
            [
                KeyValuePair.Create("vdevs", Outputs.Texts(id[ContainerPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))),
                KeyValuePair.Create("container", Outputs.Object(("cdi", PropertyValue.From(true)))),
            ]);
        }

        var vdevs = VdevsOf(inputs);
        var listed = CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName).ToHashSet(StringComparer.Ordinal);
        var present = vdevs.Where(listed.Contains).ToList();
        if (present.Count == 0)
        {
            return Task.FromResult<ResourceState?>(null);
        }

        var observedInputs = inputs.With("vdevs", Outputs.Texts(present));
        return Task.FromResult<ResourceState?>(new ResourceState(IdOf(present), Outputs.Merge(observedInputs, Computed(state, present, preview: false)), observedInputs));
    }

    public override async Task DeleteAsync(HostContext host, string id, PropertyMap oldInputs, string urn, CancellationToken cancellationToken)
    {
        if (Outputs.MapOf(oldInputs, "container") is null)
        {
            return;
        }

        var spec = new HostSpec(host.HostName, PlatformSpec.Empty, [], []);
        await host.ConvergeAsync(spec, PlanScope.Of([], VdevsOf(oldInputs)), apply: true, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<bool> HasDriftAsync(HostContext host, PropertyMap inputs, string urn, CancellationToken cancellationToken)
    {
        if (Outputs.MapOf(inputs, "container") is null)
        {
            return false;
        }

        var converged = await host.ConvergeAsync(SpecOf(host, inputs), PlanScope.Of([], VdevsOf(inputs)), apply: false, cancellationToken).ConfigureAwait(false);
        return !converged.Plan.IsEmpty;
    }

    private static async Task<ResourceState> ConvergeAsync(HostContext host, PropertyMap inputs, IReadOnlyList<string> previous, bool preview, CancellationToken cancellationToken)
    {
        if (Outputs.MapOf(inputs, "vm") is { } vm)
        {
            throw ProviderErrors.FailedPrecondition(
                $"attaching VDEVs to the libvirt domain '{Outputs.TextOf(vm, "name")}' is not supported by this engine version (it has no libvirt attachment steps yet). " +
                "Fix: attach to containers (container: { cdi: true }), or add <hostdev mode='subsystem' type='mdev'> entries with the VDEV UUIDs (the DeviceSplit's virtualDevices output) to the domain yourself");
        }

        if (preview && inputs.Values.Any(v => v.ContainsUnknown))
        {
            return new ResourceState(string.Empty, Outputs.Merge(inputs, [("cdiDevices", PropertyValue.Unknown), ("virtualDevices", PropertyValue.Unknown)]), inputs);
        }

        var vdevs = VdevsOf(inputs);
        var spec = SpecOf(host, inputs);
        var scope = PlanScope.Of([], vdevs.Concat(previous));
        try
        {
            var converged = await host.ConvergeAsync(spec, scope, apply: !preview, cancellationToken).ConfigureAwait(false);
            return new ResourceState(IdOf(vdevs), Outputs.Merge(inputs, Computed(converged.State, vdevs, preview)), inputs);
        }
        catch (PlanRejectedException rejected) when (preview && rejected.Diagnostics.All(d => d.Code == DiagnosticCodes.VdevNotPlanned))
        {
            // A preview of a new program: the DeviceSplit that makes these VDEVs is itself only previewed, so they are not on the host yet.
            return new ResourceState(IdOf(vdevs), Outputs.Merge(inputs, Computed(host.Observe(cancellationToken), vdevs, preview: true)), inputs);
        }
        catch (ApplyFailedException failed)
        {
            var state = host.Observe(CancellationToken.None);
            throw new PartialApplyException(new ResourceState(IdOf(vdevs), Outputs.Merge(inputs, Computed(state, vdevs, false)), inputs), failed);
        }
    }

    private static HostSpec SpecOf(HostContext host, PropertyMap inputs)
    {
        var names = VdevsOf(inputs).Select(n => VdevName.TryParse(n, out var parsed) ? parsed : throw ProviderErrors.InvalidArgument($"'{n}' is not a VDEV name"));
        var cdi = Outputs.MapOf(inputs, "container")?.Get("cdi")?.Reveal() is not BoolValue { Value: false };
        return new HostSpec(host.HostName, PlatformSpec.Empty, [], [new AttachmentSpec([.. names], null, new ContainerTarget(cdi))]);
    }

    private static IEnumerable<(string, PropertyValue)> Computed(HostState state, IReadOnlyList<string> vdevs, bool preview)
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

        return
        [
            ("cdiDevices", Outputs.Texts(vdevs.Select(v => $"{CdiSpecDocument.Kind}={CdiSpecDocument.DeviceName(v)}"))),
            ("virtualDevices", PropertyValue.From(devices)),
        ];
    }

    private static ImmutableArray<string> VdevsOf(PropertyMap inputs) =>
        inputs.Get("vdevs")?.Reveal() is ArrayValue list ? [.. list.Items.OfType<StringValue>().Select(s => s.Value)] : [];

    private static string IdOf(IEnumerable<string> vdevs) => ContainerPrefix + string.Join(',', vdevs);
}
