using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Tests.Testing;

/// <summary>Builders for desired states in tests, independent of the YAML loader.</summary>
public static class Specs
{
    public static HostSpec Host(string name, params DeviceSpec[] devices) =>
        new(name, PlatformSpec.Empty, [.. devices], []);

    public static DeviceSpec Siov(string name, DeviceSelector select, string[] services, params (string Type, int Count)[] vdevs) =>
        new(name, select, SplitMode.Siov, [.. services], vdevs.ToImmutableSortedDictionary(v => v.Type, v => v.Count, StringComparer.Ordinal), null, OwnershipPolicy.Keep);

    public static DeviceSpec Sriov(string name, DeviceSelector select, int count, string? driver) =>
        new(name, select, SplitMode.Sriov, [], ImmutableSortedDictionary<string, int>.Empty, new VfSpec(count, driver), OwnershipPolicy.Keep);

    public static DeviceSelector Pci(string address) => new(PciAddress: PciAddress.Parse(address));

    public static DeviceSelector Parent(string name) => new(Parent: name);

    public static DeviceSelector Driver(string name) => new(Driver: name);

    /// <summary>The shape of examples/spr-qat-e810/host.yaml: QAT SIOV on one socket, an E810 port in SIOV, one QAT PF in SR-IOV.</summary>
    public static HostSpec SprQatE810(int asym = 4, int dc = 8, int iceVdevs = 16, int vfs = 16) => Host(
        "spr-node-01",
        Siov("qat", Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", asym), ("dc", dc)),
        Siov("qat2", Pci("0000:70:00.0"), ["sym"], ("sym", 2)),
        Siov("nic", Pci("0000:16:00.0"), [], ("ice-vdcm", iceVdevs)),
        Sriov("qat-vf", Pci("0000:f7:00.0"), vfs, "vfio-pci"));

    public static HostSpec MttyLab(int single = 4, int dual = 2) => Host(
        "mtty-lab",
        Siov("serial", Parent("mtty"), [], ("mtty-1", single), ("mtty-2", dual)));
}
