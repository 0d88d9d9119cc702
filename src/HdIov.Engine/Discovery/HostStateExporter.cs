using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Families;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Discovery;

/// <summary>
/// Today's device state as a spec: one entry per PF with VDEVs (mode siov, counts per type under the keys the
/// planner expects) or VFs (mode sriov), one per non-PCI mdev parent with VDEVs. PFs whose owned VDEVs came from one
/// device entry of an earlier spec are written back as that entry (same name, PFs in the same order), so the VDEV
/// names and UUIDs stay; so do VF sets whose ledger entries name the device entry that declared them; entries with devices the engine does not own yet get <c>ownership: adopt</c>, so applying
/// the export takes them over instead of creating more. The container attachments of the engine's CDI spec, and the VM
/// attachments the ledger records as made by a spec, and the qemu attachments of the arguments files it wrote, come back
/// for the VDEVs the export still declares.
/// </summary>
public static class HostStateExporter
{
    public static HostSpec Export(HostState state, string hostName)
    {
        var candidates = Candidates(state);
        var entries = new List<(string SortKey, DeviceSpec Device)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var restored = new Dictionary<string, (int PfCount, ImmutableSortedDictionary<string, int> Vdevs)>(StringComparer.Ordinal);

        foreach (var group in candidates.Where(c => c.Origin is not null).GroupBy(c => c.Origin!.Device, StringComparer.Ordinal))
        {
            var members = group.OrderBy(c => c.Address ?? default).ToList();
            if (!CanRestore(members))
            {
                continue;
            }

            var first = members[0];
            var addresses = members.Where(m => m.Address is not null).Select(m => m.Address!.Value).ToImmutableArray();
            var selector = first.Address is null
                ? new DeviceSelector(Parent: first.Parent)
                : addresses.Length == 1 ? new DeviceSelector(PciAddress: addresses[0]) : new DeviceSelector(PciAddresses: addresses);
            names.Add(group.Key);
            entries.Add((first.SortKey, first.ToDevice(group.Key, selector, members.Any(m => m.HasUnowned))));
            members.ForEach(m => m.Restored = true);
            restored[group.Key] = (members.Count, first.Vdevs);
        }

        foreach (var candidate in candidates.Where(c => !c.Restored))
        {
            var name = Unique(names, candidate.SuggestedName);
            var selector = candidate.Address is { } address ? new DeviceSelector(PciAddress: address) : new DeviceSelector(Parent: candidate.Parent);
            entries.Add((candidate.SortKey, candidate.ToDevice(name, selector, candidate.HasUnowned)));
        }

        return new HostSpec(
            hostName,
            PlatformSpec.Empty,
            [.. entries.OrderBy(e => e.SortKey, StringComparer.Ordinal).Select(e => e.Device)],
            [.. VmAttachments(state, restored), .. ContainerAttachments(state, restored), .. QemuAttachments(state, restored)]);
    }

    /// <summary>
    /// One VM attachment per domain (and URI and live flag) with the VDEVs a spec attached there that the exported entries
    /// still declare; the VDEVs whose attachments asked for the domain's guest vIOMMU get one of their own with
    /// <c>guestIommu: add</c>.
    /// </summary>
    private static IEnumerable<AttachmentSpec> VmAttachments(
        HostState state,
        Dictionary<string, (int PfCount, ImmutableSortedDictionary<string, int> Vdevs)> restored)
    {
        var recorded = state.Ledger.Attachments
            .Where(e => e.Kind == LedgerEntryKind.VmAttachment && e.Attachment is { Uri: not null, Domain: not null, Imperative: false })
            .Select(e => (e.Attachment!, Vdev: VdevName.TryParse(e.VdevName ?? string.Empty, out var vdev) ? vdev : null))
            .Where(r => r.Vdev is { } vdev && Declares(restored, vdev));
        var askingIommu = state.Ledger.GuestIommus
            .SelectMany(e => e.GuestIommu!.Vdevs.Select(v => (e.Attachment!.Uri!, e.Attachment.Domain!, v)))
            .ToHashSet();
        return recorded
            .GroupBy(r => (r.Item1.Uri!, r.Item1.Domain!, r.Item1.Live, Iommu: askingIommu.Contains((r.Item1.Uri!, r.Item1.Domain!, r.Vdev!.ToString()))))
            .OrderBy(g => g.Key.Item1, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Item2, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Iommu)
            .Select(g => new AttachmentSpec(
                [.. g.Select(r => r.Vdev!).Distinct().Order(VdevName.Order)],
                new VmTarget(g.Key.Item2, g.Key.Item1, g.Key.Live) { GuestIommu = g.Key.Iommu ? GuestIommuPolicy.Add : GuestIommuPolicy.Report },
                null));
    }

    private static bool Declares(Dictionary<string, (int PfCount, ImmutableSortedDictionary<string, int> Vdevs)> restored, VdevName vdev) =>
        restored.TryGetValue(vdev.Device, out var entry)
        && vdev.PfOrdinal < entry.PfCount
        && vdev.Ordinal < entry.Vdevs.GetValueOrDefault(vdev.Type);

    /// <summary>One container attachment with the VDEVs of the engine's CDI spec that the exported entries still declare.</summary>
    private static ImmutableArray<AttachmentSpec> ContainerAttachments(
        HostState state,
        Dictionary<string, (int PfCount, ImmutableSortedDictionary<string, int> Vdevs)> restored)
    {
        var vdevs = new List<VdevName>();
        foreach (var device in CdiSpecDocument.Parse(state.Platform.CdiSpec))
        {
            if (VdevName.TryParse(device.VdevName, out var vdev) && Declares(restored, vdev))
            {
                vdevs.Add(vdev);
            }
        }

        return vdevs.Count == 0
            ? []
            : [new AttachmentSpec([.. vdevs.Distinct().Order(VdevName.Order)], null, new ContainerTarget(true))];
    }

    /// <summary>
    /// One qemu attachment per arguments file the ledger records, with its VM, VDEVs (in the file's order) and vIOMMU
    /// choice, when every VDEV it names is an owned one the exported entries still declare.
    /// </summary>
    private static IEnumerable<AttachmentSpec> QemuAttachments(
        HostState state,
        Dictionary<string, (int PfCount, ImmutableSortedDictionary<string, int> Vdevs)> restored)
    {
        foreach (var path in state.Ledger.QemuArgumentsFiles.Order(StringComparer.Ordinal))
        {
            var text = state.QemuArgumentsFiles.GetValueOrDefault(path);
            if (QemuArgumentsFile.VmNameOf(text) is not { } vm || !Names.IsValid(vm))
            {
                continue;
            }

            var vdevs = QemuArgumentsFile.NamedVdevsInOrder(text)
                .Select(uuid => VdevName.TryParse(state.Ledger.FindMdev(uuid)?.VdevName, out var vdev) && Declares(restored, vdev) ? vdev : null)
                .ToList();
            if (vdevs.Count > 0 && vdevs.All(v => v is not null))
            {
                yield return new AttachmentSpec([.. vdevs.OfType<VdevName>()], null, null)
                {
                    Qemu = new QemuTarget(vm, path, QemuArgumentsFile.NamesIommu(text)),
                };
            }
        }
    }

    /// <summary>A group goes back as one entry when its PFs carry PF ordinals 0..n-1 in address order and are split alike.</summary>
    private static bool CanRestore(List<Candidate> members)
    {
        if (members.Any(m => m.Address is null) && members.Count > 1)
        {
            return false;
        }

        for (var ordinal = 0; ordinal < members.Count; ordinal++)
        {
            if (members[ordinal].Origin!.PfOrdinal != ordinal)
            {
                return false;
            }
        }

        var first = members[0];
        return members.All(m =>
            m.Mode == first.Mode
            && m.Vfs == first.Vfs
            && m.Vdevs.SequenceEqual(first.Vdevs)
            && m.Services.SequenceEqual(first.Services, StringComparer.Ordinal));
    }

    private static List<Candidate> Candidates(HostState state)
    {
        var candidates = new List<Candidate>();
        foreach (var pf in state.Functions.Where(f => !f.IsVirtualFunction).OrderBy(f => f.Address))
        {
            var address = pf.Address.ToString();
            var family = DeviceFamilies.Of(pf);
            var mdevs = state.Mdevs.Where(m => m.Parent == address).ToList();
            if (mdevs.Count > 0)
            {
                var services = family.ExportServices(state, pf, mdevs);
                candidates.Add(Candidate.Siov(address, pf.Address, family.ExportPrefix(pf.Driver) + "-" + AddressName(pf.Address), mdevs, state, services));
                continue;
            }

            if (pf.Sriov is { NumVfs: > 0 } sriov)
            {
                var firstVf = state.Functions.Where(f => f.PhysicalFunction == pf.Address).OrderBy(f => f.Address).FirstOrDefault();
                var owned = state.Ledger.FindVirtualFunctions(address);
                candidates.Add(new Candidate
                {
                    Origin = owned is { Entry: { } entry, PfOrdinal: { } ordinal } && Names.IsValid(entry) ? new VdevName(entry, ordinal, string.Empty, 0) : null,
                    SortKey = address,
                    Parent = address,
                    Address = pf.Address,
                    SuggestedName = family.ExportPrefix(pf.Driver) + "-" + AddressName(pf.Address),
                    Mode = SplitMode.Sriov,
                    Vfs = new VfSpec(sriov.NumVfs, firstVf?.Driver),
                    HasUnowned = owned is null,
                });
            }
        }

        foreach (var parent in state.MdevParents.Where(p => p.PciAddress is null).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var mdevs = state.Mdevs.Where(m => m.Parent == parent.Name).ToList();
            if (mdevs.Count > 0)
            {
                var suggested = Names.IsValid(parent.Name) ? parent.Name : "mdev";
                candidates.Add(Candidate.Siov(parent.Name, null, suggested, mdevs, state, []));
            }
        }

        return candidates;
    }

    /// <summary>The VDEV key a device entry uses for an mdev type: the family's key for it (a QAT service), the type id otherwise.</summary>
    public static string TypeKey(string typeId) => (Families.DeviceFamilies.OfType(typeId) ?? Families.DeviceFamilies.Generic).SpecKeyOf(typeId);

    private static string AddressName(PciAddress address) =>
        address.Domain == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{address.Bus:x2}-{address.Device:x2}-{address.Function:x1}")
            : string.Create(CultureInfo.InvariantCulture, $"{address.Domain:x4}-{address.Bus:x2}-{address.Device:x2}-{address.Function:x1}");

    private static string Unique(HashSet<string> names, string wanted)
    {
        var name = wanted;
        for (var suffix = 2; !names.Add(name); suffix++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{wanted}-{suffix}");
        }

        return name;
    }

    private sealed class Candidate
    {
        public required string SortKey { get; init; }

        public required string Parent { get; init; }

        public required PciAddress? Address { get; init; }

        public required string SuggestedName { get; init; }

        public required SplitMode Mode { get; init; }

        public ImmutableSortedDictionary<string, int> Vdevs { get; init; } = ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);

        public ImmutableArray<string> Services { get; init; } = [];

        public VfSpec? Vfs { get; init; }

        /// <summary>The device entry and PF ordinal every owned VDEV on this parent was named after (for VFs: that the ledger records for the VF set); null when they disagree or none is owned.</summary>
        public VdevName? Origin { get; init; }

        public required bool HasUnowned { get; init; }

        public bool Restored { get; set; }

        public static Candidate Siov(string parent, PciAddress? address, string suggestedName, List<MdevDevice> mdevs, HostState state, ImmutableArray<string> services)
        {
            var origins = mdevs
                .Select(m => state.Ledger.FindMdev(m.Uuid)?.VdevName)
                .Select(n => VdevName.TryParse(n, out var name) ? name with { Type = string.Empty, Ordinal = 0 } : null)
                .Where(n => n is not null)
                .Distinct()
                .ToList();
            return new Candidate
            {
                SortKey = address?.ToString() ?? "~" + parent,
                Parent = parent,
                Address = address,
                SuggestedName = suggestedName,
                Mode = SplitMode.Siov,
                Vdevs = mdevs
                    .GroupBy(m => TypeKey(m.Type), StringComparer.Ordinal)
                    .ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                Services = services,
                Origin = origins.Count == 1 ? origins[0] : null,
                HasUnowned = mdevs.Any(m => !state.Ledger.OwnsMdev(m.Uuid)),
            };
        }

        public DeviceSpec ToDevice(string name, DeviceSelector selector, bool adopt) => new(
            name,
            selector,
            Mode,
            Services,
            Mode == SplitMode.Siov ? Vdevs : ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal),
            Vfs,
            adopt ? OwnershipPolicy.Adopt : OwnershipPolicy.Keep);
    }
}
