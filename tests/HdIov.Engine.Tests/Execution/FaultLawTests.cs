using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// DESIGN §6 fault law: for every write position of a scenario, failing that write (or killing the process there)
/// and applying again reaches the desired state, leaks no VDEV, and leaves what the engine does not own alone.
/// </summary>
[Trait("Category", "Execution")]
[Trait("Category", "Laws")]
public sealed class FaultLawTests
{
    private static readonly Guid Unowned = new("0b1e5a5e-0000-4000-8000-00000000f00d");

    public static TheoryData<string> Scenarios => new(Scenario.All.Keys);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Apply_FailingAnyWrite_ThenApplyingAgain_Converges(string name)
    {
        AssertLawHolds(Scenario.All[name], crash: false);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Apply_CrashingAtAnyWrite_ThenApplyingAgain_Converges(string name)
    {
        AssertLawHolds(Scenario.All[name], crash: true);
    }

    private static void AssertLawHolds(Scenario scenario, bool crash)
    {
        int totalWrites;
        using (var clean = scenario.Prepare())
        {
            var before = clean.Host.WriteCount;
            Apply(clean, scenario.Target);
            totalWrites = clean.Host.WriteCount - before;
        }

        Assert.True(totalWrites > 3, $"the scenario makes only {totalWrites} writes");
        for (var position = 1; position <= totalWrites; position++)
        {
            using var sim = scenario.Prepare();
            sim.Host.InjectFault(new SimulatedFault(position, Errno.EIO, crash));
            var failure = Record.Exception(() => Apply(sim, scenario.Target));
            Assert.True(failure is ApplyFailedException or SimulatedCrashException or HostIoException,
                $"write {position}/{totalWrites}: expected a failure, got {failure?.GetType().Name ?? "success"}: {failure}");

            sim.Host.ClearFaults();
            var result = Apply(sim, scenario.Target);

            var state = result.FinalState;
            Assert.True(result.Converged, $"write {position}: the second apply did not converge");
            Assert.Empty(Planner.Plan(scenario.Target, state).Steps);
            var desired = state.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev).Select(e => e.Uuid!.Value).ToHashSet();
            var leaked = state.Mdevs.Where(m => !desired.Contains(m.Uuid) && m.Uuid != Unowned).ToList();
            Assert.True(leaked.Count == 0, $"write {position}: leaked {string.Join(", ", leaked)}");
            if (scenario.HasUnowned)
            {
                Assert.Contains(state.Mdevs, m => m.Uuid == Unowned);
                Assert.DoesNotContain(state.Ledger.Entries, e => e.Uuid == Unowned);
            }

            Assert.All(state.MdevctlDefinitions, d => Assert.Contains(d.Uuid, desired));
        }
    }

    private static ApplyResult Apply(TemporarySimulatedHost sim, HostSpec spec) =>
        new Executor(sim.Host).Apply(Planner.Plan(spec, new HostObserver(sim.Host).Observe()));

    private sealed record Scenario(string Profile, HostSpec? Setup, HostSpec Target, string? UnownedParent = null, string? UnownedType = null)
    {
        public static readonly IReadOnlyDictionary<string, Scenario> All = new Dictionary<string, Scenario>
        {
            ["mtty-create"] = new("mtty-lab", null, Specs.MttyLab(3, 1), "mtty", "mtty-1"),
            ["mtty-grow-shrink"] = new("mtty-lab", Specs.MttyLab(4, 0), Specs.MttyLab(2, 2), "mtty", "mtty-1"),
            ["qat-configure-and-create"] = new("spr-qat-e810", null, Specs.Host("spr-node-01",
                Specs.Siov("qat", Specs.Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 2), ("dc", 1)))),
            ["qat-services-change"] = new(
                "spr-qat-e810",
                Specs.Host("spr-node-01", Specs.Siov("qat", Specs.Pci("0000:6b:00.0"), ["asym"], ("asym", 2))),
                Specs.Host("spr-node-01", Specs.Siov("qat", Specs.Pci("0000:6b:00.0"), ["asym", "sym"], ("asym", 2), ("sym", 1)))),
            ["ice-create"] = new("spr-qat-e810", null, Specs.Host("spr-node-01", Specs.Siov("nic", Specs.Pci("0000:16:00.0"), [], ("ice-vdcm", 3)))),
            ["sriov-count-change"] = new(
                "spr-qat-e810",
                Specs.Host("spr-node-01", Specs.Sriov("vf", Specs.Pci("0000:f7:00.0"), 2, "vfio-pci")),
                Specs.Host("spr-node-01", Specs.Sriov("vf", Specs.Pci("0000:f7:00.0"), 3, "vfio-pci"))),
            ["icx-sriov-create"] = new("icx-sriov", null, Specs.Host("icx-node", Specs.Sriov("nic", Specs.Driver("ice"), 2, "vfio-pci"))),
            ["pasid-off-sriov-create"] = new("spr-pasid-off", null, Specs.Host("spr-node-01", Specs.Sriov("vf", Specs.Pci("0000:f7:00.0"), 2, "vfio-pci"))),
            ["grubby-boot-arguments-and-create"] = new("spr-qat-e810-rhel9", null, WithBootArguments(Specs.Host("spr-node-01", Specs.Siov("nic", Specs.Pci("0000:16:00.0"), [], ("ice-vdcm", 2))))),
            ["kernel-install-boot-arguments-and-create"] = new("spr-qat-e810-systemd-boot", null, WithBootArguments(Specs.Host("spr-node-01", Specs.Siov("nic", Specs.Pci("0000:16:00.0"), [], ("ice-vdcm", 2))))),
        };

        public bool HasUnowned => UnownedParent is not null;

        private static HostSpec WithBootArguments(HostSpec spec) =>
            spec with { Platform = PlatformSpec.Empty with { Iommu = new IommuSpec(IommuMode.Scalable, true), KernelArgs = ["hugepagesz=2M"] } };

        public TemporarySimulatedHost Prepare()
        {
            var sim = TemporarySimulatedHost.Create(Profile);
            if (UnownedParent is not null)
            {
                sim.Host.WriteAttribute(KernelPaths.MdevCreate(UnownedParent, UnownedType!), KernelPaths.Format(Unowned));
            }

            if (Setup is not null)
            {
                Apply(sim, Setup);
            }

            return sim;
        }
    }
}
