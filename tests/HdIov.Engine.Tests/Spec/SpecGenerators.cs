using System.Collections.Immutable;
using CsCheck;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Tests.Spec;

/// <summary>CsCheck generators of valid models, including names that read as other YAML types and awkward text.</summary>
internal static class SpecGenerators
{
    private const string NameFirst = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string NameRest = NameFirst + "-_.";

    /// <summary>Valid names, often ones a YAML reader would take for a number, boolean or null if unquoted.</summary>
    public static readonly Gen<string> Name = Gen.Frequency(
        (1, Gen.OneOf("true", "False", "null", "NULL", "123", "1e5", "0x1f", "0o17", "12.5", "y", "on", "NaN", "inf", "a.b", "x_y", "4xxx")),
        (3, Gen.Select(Gen.Char[NameFirst], Gen.String[Gen.Char[NameRest], 0, 20], (first, rest) => first + rest)))
        .Where(Names.IsValid);

    public static readonly Gen<string> TypeName = Name.Where(Names.IsValidTypeName);

    /// <summary>Text for BIOS attribute values: any non-control character, quotes, colons, hashes, non-ASCII.</summary>
    public static readonly Gen<string> AttributeValue = Gen.String[
        Gen.Frequency(
            (4, Gen.Char[" abcXYZ019\"'#:{}[],&*!|>%@`\\-?"]),
            (1, Gen.Char.Where(c => !char.IsControl(c) && !char.IsSurrogate(c) && c is not ('\u2028' or '\u2029' or '\uFEFF')))),
        0,
        24];

    public static readonly Gen<string> KernelArg = Gen.String[Gen.Char['!', '~'], 1, 24]
        .Where(a => !a.StartsWith("intel_iommu=", StringComparison.Ordinal) && !a.StartsWith("iommu=", StringComparison.Ordinal)
            && HdIov.Engine.Platform.KernelArguments.Problem(a) is null);

    public static readonly Gen<PlatformSpec> Platform = Gen.Select(
        Gen.Select(
            Gen.OneOf(BiosSource.None, BiosSource.Redfish, BiosSource.FirmwareAttributes),
            Gen.Select(Gen.OneOf("virtualization", "vtd", "sriov", "x2apic", "enqcmd"), Gen.OneOf("enabled", "disabled"), (k, v) => (k, v)).Array[0, 5],
            Gen.Select(Name, AttributeValue, (k, v) => (k, v)).Array[0, 3],
            Gen.Select(Gen.Int[1, 65535], Name.Null(), Gen.Bool, (port, system, insecure) => new RedfishSpec(new Uri($"https://bmc.example:{port}"), system, insecure ? null : "ca.pem", insecure)).Null(),
            (source, settings, attributes, redfish) => new BiosSpec(source, Sorted(settings), Sorted(attributes), source == BiosSource.Redfish ? redfish : null)).Null(),
        Gen.Select(Gen.OneOf(IommuMode.Scalable, IommuMode.Legacy, IommuMode.Off), Gen.OneOf<bool?>(true, false, null), (mode, pt) => new IommuSpec(mode, pt)).Null(),
        KernelArg.Array[0, 3],
        Gen.Select(Gen.Bool, Gen.Int[0, int.MaxValue], Gen.Bool, Gen.Int[0, 4096], (small, perSmall, large, perLarge) =>
            (small ? [new HugepageSpec(2048, perSmall)] : Array.Empty<HugepageSpec>()).Concat(large ? [new HugepageSpec(1024 * 1024, perLarge)] : []).ToImmutableArray()),
        (bios, iommu, args, pages) => new PlatformSpec(bios, iommu, [.. args], pages));

    /// <summary>Selectors that never name the same PFs as another entry's (the entry's index makes them distinct).</summary>
    private static readonly Gen<Func<int, DeviceSelector>> Selector = Gen.Frequency(
        (1, Name.Where(n => n.Length < 50).Select(n => (Func<int, DeviceSelector>)(index => new DeviceSelector(Driver: $"{n}-{index}")))),
        (1, Gen.Select(Gen.Int[0, 0xffff], Gen.Int[0, 31], Gen.Int[0, 7], (domain, device, function) =>
            (Func<int, DeviceSelector>)(index => new DeviceSelector(PciAddress: new PciAddress((ushort)domain, (byte)(index + 1), (byte)device, (byte)function))))),
        (1, Gen.Int[1, 3].Select(count =>
            (Func<int, DeviceSelector>)(index => new DeviceSelector(PciAddresses: [.. Enumerable.Range(0, count).Select(i => new PciAddress(0, (byte)(index + 1), (byte)(i + 2), 0))])))),
        (1, Gen.Int[0, 0xffff].Select(vendor => (Func<int, DeviceSelector>)(index => new DeviceSelector(Vendor: $"{vendor:x4}", Device: $"{index:x4}")))),
        (1, Name.Where(n => n.Length < 50).Select(n => (Func<int, DeviceSelector>)(index => new DeviceSelector(Parent: $"{n}-{index}")))));

    /// <summary>A device entry once it has its name and its index.</summary>
    private static readonly Gen<Func<string, int, DeviceSpec>> Device = Gen.Select(
        Selector,
        Gen.OneOf(SplitMode.Siov, SplitMode.Sriov, SplitMode.None),
        Gen.Shuffle(new[] { "sym", "asym", "dc" }, 0, 3),
        Gen.Select(TypeName, Gen.Int[0, 4096], (t, n) => (t, n)).Array[0, 3],
        Gen.Select(Gen.Int[0, 256], Name.Null(), (count, driver) => new VfSpec(count, driver)),
        Gen.OneOf(OwnershipPolicy.Keep, OwnershipPolicy.Adopt, OwnershipPolicy.Prune),
        (select, mode, services, vdevs, vfs, ownership) => (Func<string, int, DeviceSpec>)((name, index) => new DeviceSpec(
            name,
            select(index),
            mode,
            [.. services],
            mode == SplitMode.Siov ? SortedCounts(vdevs) : SortedCounts([]),
            mode == SplitMode.Sriov ? vfs : null,
            ownership)));

    public static readonly Gen<HostSpec> Host = Gen.Select(Name, Platform, Gen.Select(Name, Device).Array[0, 5], Gen.Int.Array[0, 8], (name, platform, drafts, choices) =>
    {
        var devices = drafts.DistinctBy(d => d.Item1, StringComparer.Ordinal).Select((d, index) => d.Item2(d.Item1, index)).ToImmutableArray();
        return new HostSpec(name, platform, devices, Attachments(devices, choices));
    });

    /// <summary>Attachments over distinct declared VDEVs, chosen and grouped by the given random numbers.</summary>
    private static ImmutableArray<AttachmentSpec> Attachments(ImmutableArray<DeviceSpec> devices, int[] choices)
    {
        var candidates = devices
            .Where(d => d.Mode == SplitMode.Siov)
            .SelectMany(d => d.Vdevs.Where(v => v.Value > 0).SelectMany(v => new[] { 0, 1 }
                .Where(pf => pf < (d.Select.SelectedAddresses.Length is > 0 and var n ? n : d.Select.Parent is not null ? 1 : 2))
                .Select(pf => new VdevName(d.Name, pf, v.Key, Math.Min(pf * 7, v.Value - 1)))))
            .Distinct()
            .ToList();
        var result = ImmutableArray.CreateBuilder<AttachmentSpec>();
        foreach (var choice in choices)
        {
            if (candidates.Count == 0)
            {
                break;
            }

            var take = Math.Min(candidates.Count, 1 + (Math.Abs(choice % 3)));
            var vdevs = candidates.Take(take).ToImmutableArray();
            candidates.RemoveRange(0, take);
            var attachment = (choice & 4) == 0
                ? new AttachmentSpec(vdevs, new VmTarget($"vm{choice & 0xff}", (choice & 8) == 0 ? "qemu:///system" : "qemu+ssh://root@h/system?x=1", (choice & 16) == 0) { GuestIommu = (choice & 32) == 0 ? GuestIommuPolicy.Report : GuestIommuPolicy.Add }, null)
                : new AttachmentSpec(vdevs, null, new ContainerTarget((choice & 8) == 0));
            result.Add(attachment with { OnHeld = (choice & 64) == 0 ? HeldPolicy.Refuse : HeldPolicy.Detach });
        }

        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string> Sorted((string Key, string Value)[] entries) =>
        entries.DistinctBy(e => e.Key).ToImmutableSortedDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private static ImmutableSortedDictionary<string, int> SortedCounts((string Key, int Value)[] entries) =>
        entries.DistinctBy(e => e.Key).ToImmutableSortedDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
}
