using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Simulation;
using HdIov.Pulumi.Rpc;

namespace HdIov.Bench;

/// <summary>
/// Whether a Diff's cost follows its scope: the provider's Diff of the same unchanged DeviceSplit (16 asym VDEVs on the
/// QAT PF 0000:6b:00.0) on a simulated host that holds only those 16, and on one that also holds 1,094 other VDEVs
/// (<see cref="Others"/>: 758 ice-vdcm on the E810 and 16 asym, 16 dc and 16 sym on each of the seven other QAT PFs).
/// Run side by side in one run; the ratio of the two means is the figure.
/// </summary>
[Config(typeof(ProviderDiffBenchmarks.Short))]
public class ScopedDiffBenchmarks
{
    /// <summary>The VDEVs that are not the DeviceSplit's, made on the crowded host before it.</summary>
    public static HostSpec Others { get; } = new(
        "bench-node",
        PlatformSpec.Empty,
        [
            new DeviceSpec(
                "qat",
                new DeviceSelector(PciAddresses: [.. new[] { "0000:70:00.0", "0000:75:00.0", "0000:7a:00.0", "0000:e8:00.0", "0000:ed:00.0", "0000:f2:00.0", "0000:f7:00.0" }.Select(PciAddress.Parse)]),
                SplitMode.Siov,
                ["asym", "dc", "sym"],
                new Dictionary<string, int> { ["asym"] = 16, ["dc"] = 16, ["sym"] = 16 }.ToImmutableSortedDictionary(StringComparer.Ordinal),
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

    private SimulatedHost _alone = null!;
    private SimulatedHost _crowded = null!;
    private BenchProvider _aloneProvider = null!;
    private BenchProvider _crowdedProvider = null!;
    private DiffRequest _aloneDiff = null!;
    private DiffRequest _crowdedDiff = null!;

    [GlobalSetup]
    public void Setup()
    {
        _alone = BenchmarkHosts.Fresh("scoped-alone");
        _crowded = BenchmarkHosts.Fresh("scoped-crowded");
        using (var session = new HostSession(_crowded))
        {
            var others = session.Converge(Others, PlanScope.Of(Others.Devices.Select(d => d.Name), []));
            if (others.State.Mdevs.Length != 1094)
            {
                throw new InvalidOperationException($"the crowded host holds {others.State.Mdevs.Length} VDEVs, not 1,094");
            }
        }

        _aloneProvider = new BenchProvider(_alone.Root);
        _crowdedProvider = new BenchProvider(_crowded.Root);
        _aloneDiff = _aloneProvider.CreateSplit("crypto", "0000:6b:00.0", "asym", 16);
        _crowdedDiff = _crowdedProvider.CreateSplit("crypto", "0000:6b:00.0", "asym", 16);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aloneProvider.Stop();
        _crowdedProvider.Stop();
        BenchmarkHosts.Delete(_alone, _crowded);
    }

    [Benchmark(Baseline = true, Description = "provider Diff, DeviceSplit of 16 asym VDEVs, host holds only these")]
    public int DiffAlone() => (int)_aloneProvider.Diff(_aloneDiff);

    [Benchmark(Description = "provider Diff, DeviceSplit of 16 asym VDEVs, host also holds 1,094 other VDEVs")]
    public int DiffCrowded() => (int)_crowdedProvider.Diff(_crowdedDiff);
}
