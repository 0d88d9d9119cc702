using System.Collections.Immutable;
using CsCheck;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Tests.Spec;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// Valid models whose selectors, types and drivers mostly name what an observed host really has (its PFs, drivers,
/// IDs, mdev parents and types), so generated documents reach deep into the planner instead of stopping at
/// "no device matches". Half the entries are coherent (a PF or parent with types and counts it can hold), the
/// others mix real and made-up names freely.
/// </summary>
internal static class HostAwareSpecGenerators
{
    private static readonly string[] KnownTypes = ["sym", "asym", "dc", "ice-vdcm", "mtty-1", "mtty-2", "4xxx-vqat_asym"];

    public static Gen<HostSpec> For(HostState state)
    {
        var pfs = state.Functions.Where(f => !f.IsVirtualFunction).Select(f => f.Address).ToArray();
        var drivers = state.Functions.Select(f => f.Driver).OfType<string>().Concat(state.MdevParents.Select(p => p.Driver).OfType<string>()).Distinct().ToArray();
        var ids = state.Functions.Select(f => (Vendor: f.VendorId.ToString("x4"), Device: f.DeviceId.ToString("x4"))).Distinct().ToArray();
        var parents = state.MdevParents.Select(p => p.Name).ToArray();
        var types = state.MdevParents.SelectMany(p => p.Types.Select(t => t.Id)).Concat(KnownTypes).Distinct().ToArray();

        var selector = Gen.Frequency(
            (4, Gen.OneOf(pfs).Select(a => new DeviceSelector(PciAddress: a))),
            (2, Gen.Shuffle(pfs, 1, 3).Select(list => new DeviceSelector(PciAddresses: [.. list.Order()]))),
            (2, Gen.OneOf(drivers).Select(d => new DeviceSelector(Driver: d))),
            (1, Gen.OneOf(ids).Select(id => new DeviceSelector(Vendor: id.Vendor, Device: id.Device))),
            (2, Gen.OneOf(parents.Length > 0 ? parents : ["mtty"]).Select(p => new DeviceSelector(Parent: p))),
            (1, SpecGenerators.Name.Select(n => new DeviceSelector(Driver: n))));
        var count = Gen.Frequency((12, Gen.Int[0, 12]), (2, Gen.Int[13, 300]), (1, Gen.Int[300, 4096]));
        var typeName = Gen.Frequency((6, Gen.OneOf(types)), (1, SpecGenerators.TypeName));
        var device = Gen.Select(
            selector,
            Gen.OneOf(SplitMode.Siov, SplitMode.Sriov, SplitMode.None),
            Gen.Shuffle(new[] { "sym", "asym", "dc" }, 0, 3),
            Gen.Select(typeName, count, (t, n) => (t, n)).Array[0, 3],
            Gen.Select(Gen.Frequency((6, Gen.Int[0, 20]), (1, Gen.Int[0, 256])), Gen.OneOf<string?>("vfio-pci", null, "iavf", "4xxxvf", "nvme", "no-such-driver"), (n, d) => new VfSpec(n, d)),
            Gen.OneOf(OwnershipPolicy.Keep, OwnershipPolicy.Adopt, OwnershipPolicy.Prune),
            (select, mode, services, vdevs, vfs, ownership) => (Func<string, DeviceSpec>)(name => new DeviceSpec(
                name,
                select,
                mode,
                [.. services],
                mode == SplitMode.Siov ? vdevs.DistinctBy(v => v.t).ToImmutableSortedDictionary(v => v.t, v => v.n, StringComparer.Ordinal) : ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal),
                mode == SplitMode.Sriov ? vfs : null,
                ownership)));

        var coherent = Coherent(state);
        var entry = Gen.Frequency((1, device.Select(build => (Key: Guid.NewGuid().ToString(), Build: build))), (1, coherent));
        return Gen.Select(SpecGenerators.Name, SpecGenerators.Platform, Gen.Select(SpecGenerators.Name, entry).Array[0, 3], (host, platform, drafts) =>
            new HostSpec(
                host,
                platform,
                [.. drafts.DistinctBy(d => d.Item1, StringComparer.Ordinal).DistinctBy(d => d.Item2.Key, StringComparer.Ordinal).Select(d => d.Item2.Build(d.Item1))],
                []));
    }

    /// <summary>Entries that fit their target: QAT PFs with services and small VDEV counts, E810 ports, mdev parents with their own types, SR-IOV within TotalVFs.</summary>
    private static Gen<(string Key, Func<string, DeviceSpec> Build)> Coherent(HostState state)
    {
        var recipes = new List<Gen<(string Key, Func<string, DeviceSpec> Build)>>();
        var ownership = Gen.OneOf(OwnershipPolicy.Keep, OwnershipPolicy.Adopt, OwnershipPolicy.Prune);
        foreach (var pf in state.Functions.Where(f => !f.IsVirtualFunction))
        {
            var key = pf.Address.ToString();
            var select = new DeviceSelector(PciAddress: pf.Address);
            if (pf.Sriov is { } sriov)
            {
                recipes.Add(Gen.Select(Gen.Int[0, sriov.TotalVfs], Gen.OneOf<string?>("vfio-pci", null), ownership, (count, driver, own) =>
                    (key, (Func<string, DeviceSpec>)(name => new DeviceSpec(name, select, SplitMode.Sriov, [], Empty, new VfSpec(count, driver), own)))));
            }

            if (pf.DeviceId == 0x4940)
            {
                recipes.Add(Gen.Select(Gen.Shuffle(new[] { "sym", "asym", "dc" }, 1, 3), Gen.Int[0, 10].Array[3], ownership, (services, counts, own) =>
                    (key, (Func<string, DeviceSpec>)(name => new DeviceSpec(
                        name, select, SplitMode.Siov, [.. services],
                        services.Select((service, i) => (service, counts[i])).ToImmutableSortedDictionary(v => v.service, v => v.Item2, StringComparer.Ordinal),
                        null, own)))));
            }

            if (pf.DeviceId == 0x1592)
            {
                recipes.Add(Gen.Select(Gen.Int[0, 40], ownership, (count, own) =>
                    (key, (Func<string, DeviceSpec>)(name => new DeviceSpec(
                        name, select, SplitMode.Siov, [], ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("ice-vdcm", count)]), null, own)))));
            }
        }

        foreach (var parent in state.MdevParents.Where(p => p.PciAddress is null))
        {
            var select = new DeviceSelector(Parent: parent.Name);
            recipes.Add(Gen.Select(Gen.Int[0, 8].Array[parent.Types.Length], ownership, (counts, own) =>
                (parent.Name, (Func<string, DeviceSpec>)(name => new DeviceSpec(
                    name, select, SplitMode.Siov, [],
                    parent.Types.Select((t, i) => (t.Id, counts[i])).ToImmutableSortedDictionary(v => v.Id, v => v.Item2, StringComparer.Ordinal),
                    null, own)))));
        }

        return Gen.OneOf([.. recipes]);
    }

    private static ImmutableSortedDictionary<string, int> Empty => ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
}
