using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Simulation;

namespace HdIov.Bench;

/// <summary>The benchmark workload: about 1,000 VDEVs on one simulated Sapphire Rapids host.</summary>
internal static class BenchmarkHosts
{
    /// <summary>758 ice-vdcm VDEVs on the E810 (the HD-IOV evaluation's count) plus 16 asym and 16 dc on each of 8 QAT PFs: 1,014.</summary>
    public static HostSpec ThousandVdevs { get; } = new(
        "bench-node",
        PlatformSpec.Empty,
        [
            new DeviceSpec(
                "qat",
                new DeviceSelector(Driver: "4xxx"),
                SplitMode.Siov,
                ["asym", "dc"],
                new Dictionary<string, int> { ["asym"] = 16, ["dc"] = 16 }.ToImmutableSortedDictionary(StringComparer.Ordinal),
                null,
                OwnershipPolicy.Keep),
            new DeviceSpec(
                "nic",
                new DeviceSelector(PciAddress: PciAddress.Parse("0000:16:00.0")),
                SplitMode.Siov,
                [],
                new Dictionary<string, int> { ["ice-vdcm"] = 758 }.ToImmutableSortedDictionary(StringComparer.Ordinal),
                null,
                OwnershipPolicy.Keep),
        ],
        []);

    public const int VdevCount = (8 * 32) + 758;

    /// <summary>14 dual-port E810 adapters: room for 10,000 ice-vdcm VDEVs.</summary>
    public const string E810FleetProfile = "spr-e810-x14";

    public static SimulatedHost Fresh(string tag, string profile = "spr-qat-e810")
    {
        var root = RootFor(tag);
        return SimulatedHost.Create(root, profile, force: Directory.Exists(root));
    }

    public static void Delete(params SimulatedHost?[] hosts)
    {
        foreach (var host in hosts)
        {
            if (host is not null && Directory.Exists(host.Root))
            {
                Directory.Delete(host.Root, recursive: true);
            }
        }
    }

    private static string RootFor(string tag) => Path.Combine(Path.GetTempPath(), $"hdiov-bench-{tag}-{Environment.ProcessId}");
}
