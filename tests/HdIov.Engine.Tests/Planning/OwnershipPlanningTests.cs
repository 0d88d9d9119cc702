using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>What the engine did not create is left alone under keep, removed under prune, and taken over under adopt.</summary>
[Trait("Category", "Planning")]
public sealed class OwnershipPlanningTests
{
    private static readonly Guid Unowned = new("5ca1ab1e-0000-4000-8000-0000000000aa");

    [Fact]
    public void Plan_UnownedMdevUnderKeep_IsLeftAlone()
    {
        using var sim = MttyWithUnownedMdev();
        var spec = Serial(OwnershipPolicy.Keep, 2);

        var plan = Planner.Plan(spec, Observe(sim));

        Assert.Equal(["serial/0/mtty-1/0", "serial/0/mtty-1/1"], plan.Steps.Select(s => s.Address));
        Assert.All(plan.Steps, s => Assert.IsType<CreateMdev>(s.Operation));
        var state = Apply(sim, plan).FinalState;
        Assert.Contains(state.Mdevs, m => m.Uuid == Unowned);
        Assert.False(state.Ledger.OwnsMdev(Unowned));
        Assert.Empty(Planner.Plan(spec, state).Steps);
    }

    [Fact]
    public void Plan_UnownedMdevUnderPrune_IsRemoved()
    {
        using var sim = MttyWithUnownedMdev();
        var spec = Serial(OwnershipPolicy.Prune, 2);

        var plan = Planner.Plan(spec, Observe(sim));

        var remove = Assert.Single(plan.Steps, s => s.Operation is RemoveMdev);
        Assert.Equal(new RemoveMdev("mtty", "mtty-1", Unowned, null), remove.Operation);
        Assert.Equal(Disruption.DeviceReset, remove.Disruption);
        Assert.Equal(1, remove.Id);
        var state = Apply(sim, plan).FinalState;
        Assert.DoesNotContain(state.Mdevs, m => m.Uuid == Unowned);
        Assert.Equal(2, state.Mdevs.Length);
        Assert.Empty(Planner.Plan(spec, state).Steps);
    }

    [Fact]
    public void Plan_UnownedMdevUnderAdopt_IsTakenOverWithItsUuid_InsteadOfCreatingOne()
    {
        using var sim = MttyWithUnownedMdev();
        var spec = Serial(OwnershipPolicy.Adopt, 2);

        var plan = Planner.Plan(spec, Observe(sim));

        Assert.Equal(
            [new AdoptMdev("mtty", "mtty-1", Unowned, "serial/0/mtty-1/0", Persistence.Mdevctl)],
            plan.Steps.Select(s => s.Operation).OfType<AdoptMdev>());
        var create = Assert.Single(plan.Steps, s => s.Operation is CreateMdev);
        Assert.Equal("serial/0/mtty-1/1", create.Address);
        var state = Apply(sim, plan).FinalState;
        Assert.Equal("serial/0/mtty-1/0", state.Ledger.FindMdev(Unowned)!.VdevName);
        Assert.Contains(state.MdevctlDefinitions, d => d.Uuid == Unowned && d.AutoStart && d.Type == "mtty-1");
        Assert.Equal(2, state.Mdevs.Length);
        Assert.Empty(Planner.Plan(spec, state).Steps);
    }

    [Fact]
    public void Plan_DeviceEntryRemoved_RemovesOnlyOwnedVdevsNewestFirst()
    {
        using var sim = MttyWithUnownedMdev();
        Converge(sim, Serial(OwnershipPolicy.Keep, 3));
        var empty = Specs.Host("mtty-lab");

        var plan = Planner.Plan(empty, Observe(sim));

        Assert.Equal(["serial/0/mtty-1/2", "serial/0/mtty-1/1", "serial/0/mtty-1/0"], plan.Steps.Select(s => s.Address));
        Assert.All(plan.Steps, s => Assert.NotEqual(Unowned, Assert.IsType<RemoveMdev>(s.Operation).Uuid));
        var state = Apply(sim, plan).FinalState;
        Assert.Equal([Unowned], state.Mdevs.Select(m => m.Uuid));
        Assert.Empty(state.MdevctlDefinitions);
        Assert.Empty(state.Ledger.Entries);
        Assert.Empty(Planner.Plan(empty, state).Steps);
    }

    [Fact]
    public void Plan_UnownedVfsUnderKeep_BlockTheCountChange()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:31:00.0/sriov_numvfs", "2");
        var spec = Specs.Host("icx", Sriov("e810", Pci("0000:31:00.0"), 4, "vfio-pci"));

        var error = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Observe(sim)));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnownedInTheWay, diagnostic.Code);
        Assert.Equal("spec.devices[0].vfs.count", diagnostic.KeyPath);
        Assert.Contains("2 VFs the engine did not create", diagnostic.Message, StringComparison.Ordinal);
    }

    private static HostSpec Serial(OwnershipPolicy ownership, int count) =>
        Specs.Host("mtty-lab", Siov("serial", Parent("mtty"), [], ("mtty-1", count)) with { Ownership = ownership });

    private static TemporarySimulatedHost MttyWithUnownedMdev()
    {
        var sim = TemporarySimulatedHost.Create("mtty-lab");
        sim.Host.WriteAttribute(KernelPaths.MdevCreate("mtty", "mtty-1"), KernelPaths.Format(Unowned));
        return sim;
    }
}
