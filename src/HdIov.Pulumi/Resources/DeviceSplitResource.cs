using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// <c>hdiov:index:DeviceSplit</c>: one device entry of the spec document (one PF, a list, or a selector), planned
/// with a scope of its own name, so the VDEVs of other DeviceSplit resources on the host are never removed by it.
/// The id is the entry's name, which prefixes every VDEV name.
/// </summary>
internal sealed class DeviceSplitResource : ResourceHandler
{
    public const string Type = "hdiov:index:DeviceSplit";

    public override string Token => Type;

    public override IReadOnlyList<string> InputKeys { get; } = ["name", "select", "mode", "services", "vdevs", "vfs", "ownership"];

    /// <summary>The name and the selector give the VDEVs their names and UUIDs; the mode decides what kind of device the PF carries.</summary>
    public override IReadOnlySet<string> ReplaceKeys { get; } = new HashSet<string>(StringComparer.Ordinal) { "name", "select", "mode" };

    public override CheckOutcome Check(PropertyMap news, string resourceName)
    {
        var inputs = news;
        if (inputs.Get("name") is null || inputs.Get("name")!.Equals(PropertyValue.Null))
        {
            inputs = Names.IsValid(resourceName) ? inputs.With("name", PropertyValue.From(resourceName)) : inputs;
        }

        return CheckBySpecDocument(inputs, checkedInputs => SpecDocument.LoadDevice("check", DocumentInputs(checkedInputs), resourceName));
    }

    public override Task<ResourceState> CreateAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, inputs, preview, urn, cancellationToken);

    public override Task<ResourceState> UpdateAsync(HostContext host, string id, PropertyMap oldInputs, PropertyMap news, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, news, preview, urn, cancellationToken);

    public override Task<ResourceState?> ReadAsync(HostContext host, string id, PropertyMap? inputs, string urn, CancellationToken cancellationToken)
    {
        var state = host.Observe(cancellationToken);
        if (inputs is null || inputs.Count == 0)
        {
            var exported = host.Export(state).Devices.FirstOrDefault(d => d.Name == id);
            if (exported is null)
            {
                return Task.FromResult<ResourceState?>(null);
            }

            inputs = SpecInputs.Device(exported);
        }

        var spec = SpecDocument.LoadDevice(host.HostName, DocumentInputs(inputs), urn);
        var entry = spec.Devices[0];
        if (!Exists(state, entry, spec))
        {
            return Task.FromResult<ResourceState?>(null);
        }

        var observedInputs = WithObservedCounts(inputs, entry, spec, state);
        return Task.FromResult<ResourceState?>(new ResourceState(entry.Name, Outputs.Merge(observedInputs, Computed(host, spec, state, null)), observedInputs));
    }

    public override async Task DeleteAsync(HostContext host, string id, PropertyMap oldInputs, string urn, CancellationToken cancellationToken)
    {
        var spec = SpecDocument.LoadDevice(host.HostName, DocumentInputs(oldInputs), urn);
        var entry = spec.Devices[0];
        var released = entry with
        {
            Mode = SplitMode.None,
            Services = [],
            Vdevs = ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal),
            Vfs = null,
            Ownership = OwnershipPolicy.Keep,
        };
        await host.ConvergeAsync(spec with { Devices = [released] }, PlanScope.Of([entry.Name], []), apply: true, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<bool> HasDriftAsync(HostContext host, PropertyMap inputs, string urn, CancellationToken cancellationToken)
    {
        var spec = SpecDocument.LoadDevice(host.HostName, DocumentInputs(inputs), urn);
        var converged = await host.ConvergeAsync(spec, PlanScope.Of([spec.Devices[0].Name], []), apply: false, cancellationToken).ConfigureAwait(false);
        return !converged.Plan.IsEmpty;
    }

    private static async Task<ResourceState> ConvergeAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken)
    {
        var name = Outputs.TextOf(inputs, "name");
        if (preview && inputs.Values.Any(v => v.ContainsUnknown))
        {
            return new ResourceState(name ?? string.Empty, Outputs.Merge(inputs, UnknownComputed(host)), inputs);
        }

        var spec = SpecDocument.LoadDevice(host.HostName, DocumentInputs(inputs), urn);
        var scope = PlanScope.Of([spec.Devices[0].Name], []);
        try
        {
            var converged = await host.ConvergeAsync(spec, scope, apply: !preview, cancellationToken).ConfigureAwait(false);
            var outputs = Outputs.Merge(inputs, Computed(host, spec, converged.State, preview ? converged.Plan : null));
            return new ResourceState(spec.Devices[0].Name, outputs, inputs);
        }
        catch (ApplyFailedException failed)
        {
            var state = host.Observe(CancellationToken.None);
            throw new PartialApplyException(new ResourceState(spec.Devices[0].Name, Outputs.Merge(inputs, Computed(host, spec, state, null)), inputs), failed);
        }
    }

    /// <summary>The inputs as the spec document spells them: <c>select.pciAddresses</c> is the document's list form of <c>pciAddress</c>.</summary>
    private static PropertyMap DocumentInputs(PropertyMap inputs)
    {
        var revealed = inputs.Reveal();
        if (Outputs.MapOf(revealed, "select") is { } select && select.Get("pciAddresses") is { } list)
        {
            revealed = revealed.With("select", PropertyValue.From(select.Without("pciAddresses").With("pciAddress", list)));
        }

        return revealed;
    }

    private static bool Exists(HostState state, DeviceSpec entry, HostSpec spec)
    {
        if (entry.Mode == SplitMode.Siov)
        {
            return state.Ledger.Entries.Any(e => e.Kind == LedgerEntryKind.Mdev && VdevName.TryParse(e.VdevName, out var n) && n.Device == entry.Name);
        }

        var parents = HostContext.Selections(spec, state)[entry.Name];
        return entry.Mode == SplitMode.None
            ? parents.Length > 0
            : state.Ledger.Entries.Any(e => e.Kind == LedgerEntryKind.VirtualFunctions && parents.Contains(e.Parent));
    }

    /// <summary>Refresh reports the counts the host has, so a VDEV removed by hand shows as drift.</summary>
    private static PropertyMap WithObservedCounts(PropertyMap inputs, DeviceSpec entry, HostSpec spec, HostState state)
    {
        if (entry.Mode != SplitMode.Siov || inputs.Get("vdevs") is not ObjectValue declared)
        {
            return inputs;
        }

        var parents = HostContext.Selections(spec, state)[entry.Name];
        var live = state.Mdevs.Select(m => m.Uuid).ToHashSet();
        var owned = state.Ledger.Entries
            .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Uuid is { } u && live.Contains(u))
            .Select(e => VdevName.TryParse(e.VdevName, out var n) ? n : null)
            .Where(n => n is not null && n.Device == entry.Name)
            .ToList();
        var counts = declared.Map.Keys.Select(type => KeyValuePair.Create(type, (PropertyValue)PropertyValue.From(
            parents.Length == 0 ? 0 : owned.Count(n => n!.Type == type) / (double)parents.Length)));
        return inputs.With("vdevs", PropertyValue.From(new PropertyMap(counts)));
    }

    private static IEnumerable<(string, PropertyValue)> UnknownComputed(HostContext host) =>
    [
        ("hostName", PropertyValue.From(host.HostName)),
        ("parents", PropertyValue.Unknown),
        ("virtualDevices", PropertyValue.Unknown),
        ("virtualFunctions", PropertyValue.Unknown),
    ];

    /// <summary>
    /// What the host reports for this entry. With a preview <paramref name="plan"/>, VDEVs the plan creates get the
    /// UUID the engine will give them (deterministic) and an unknown IOMMU group (the kernel assigns it on creation).
    /// </summary>
    private static IEnumerable<(string, PropertyValue)> Computed(HostContext host, HostSpec spec, HostState state, Plan? plan)
    {
        var entry = spec.Devices[0];
        var parents = HostContext.Selections(spec, state)[entry.Name];
        var planned = plan?.Steps.Select(s => s.Operation).OfType<CreateMdev>().ToDictionary(c => c.VdevName, StringComparer.Ordinal) ?? [];
        var live = state.Mdevs.ToDictionary(m => m.Uuid);
        var vdevs = new List<PropertyValue>();
        if (entry.Mode == SplitMode.Siov)
        {
            for (var ordinal = 0; ordinal < parents.Length; ordinal++)
            {
                foreach (var (type, count) in entry.Vdevs)
                {
                    for (var index = 0; index < count; index++)
                    {
                        var name = new VdevName(entry.Name, ordinal, type, index).ToString();
                        var owned = state.Ledger.Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == name && e.Parent == parents[ordinal]);
                        var create = planned.GetValueOrDefault(name);
                        var uuid = owned?.Uuid ?? create?.Uuid;
                        if (uuid is null)
                        {
                            continue;
                        }

                        var mdev = live.GetValueOrDefault(uuid.Value);
                        if (mdev is null && plan is null)
                        {
                            // Recorded but gone from the host (removed behind the engine's back): refresh shows the host as it is.
                            continue;
                        }

                        var group = mdev?.IommuGroup is { } g ? PropertyValue.From(g) : plan is not null ? PropertyValue.Unknown : PropertyValue.Null;
                        vdevs.Add(Outputs.Object(
                            ("name", PropertyValue.From(name)),
                            ("type", Outputs.Text(mdev?.Type ?? owned?.Type ?? create?.Type)),
                            ("uuid", PropertyValue.From(uuid.Value.ToString("D"))),
                            ("parent", PropertyValue.From(parents[ordinal])),
                            ("iommuGroup", group)));
                    }
                }
            }
        }

        var vfs = new List<PropertyValue>();
        if (entry.Mode == SplitMode.Sriov)
        {
            foreach (var parent in parents)
            {
                if (!PciAddress.TryParse(parent, out var pf))
                {
                    continue;
                }

                foreach (var vf in state.Functions.Where(f => f.PhysicalFunction == pf).OrderBy(f => f.Address))
                {
                    vfs.Add(Outputs.Object(
                        ("address", PropertyValue.From(vf.Address.ToString())),
                        ("physicalFunction", PropertyValue.From(parent)),
                        ("driver", Outputs.Text(vf.Driver)),
                        ("iommuGroup", Outputs.Number(vf.IommuGroup))));
                }
            }

            if (plan is not null && !plan.IsEmpty)
            {
                vfs = null;
            }
        }

        return
        [
            ("hostName", PropertyValue.From(host.HostName)),
            ("parents", Outputs.Texts(parents)),
            ("virtualDevices", PropertyValue.From(vdevs)),
            ("virtualFunctions", vfs is null ? PropertyValue.Unknown : PropertyValue.From(vfs)),
        ];
    }
}
