using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>A converge takes over VDEVs created on request that the spec declares, and otherwise leaves them alone with a warning.</summary>
[Trait("Category", "Planning")]
public sealed class ImperativeOwnershipPlanningTests
{
    [Fact]
    public void Plan_SpecDeclaresTheTypeOfAnImperativeVdev_AdoptsItWithoutRecreating()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var uuid = CreateOnRequest(sim, "mtty-1");
        var spec = Serial(OwnershipPolicy.Keep, ("mtty-1", 2));

        var plan = Planner.Plan(spec, Observe(sim));

        var adopt = Assert.IsType<AdoptMdev>(Assert.Single(plan.Steps, s => s.Operation is AdoptMdev).Operation);
        Assert.Equal((uuid, "serial/0/mtty-1/0"), (adopt.Uuid, adopt.VdevName));
        Assert.Equal("serial/0/mtty-1/1", Assert.Single(plan.Steps, s => s.Operation is CreateMdev).Address);
        Assert.DoesNotContain(plan.Steps, s => s.Operation is RemoveMdev or PersistMdev);
        Assert.Empty(plan.Warnings);
        var state = Apply(sim, plan).FinalState;
        var entry = state.Ledger.FindMdev(uuid)!;
        Assert.Equal("serial/0/mtty-1/0", entry.VdevName);
        Assert.False(OwnershipLedger.IsImperative(entry));
        Assert.Equal(2, state.Mdevs.Length);
        Assert.Empty(Planner.Plan(spec, state).Steps);
    }

    [Fact]
    public void Plan_ImperativeVdevWithTheDeclaredUuid_IsAdoptedAsThatVdev()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var declared = VdevIdentity.UuidFor("mtty-lab", new VdevName("serial", 0, "mtty-1", 1));
        var request = new VdevCreateRequest("mtty", "mtty-1", Uuid: declared);
        Apply(sim, ImperativePlanner.PlanCreate(request, Observe(sim)).Plan);

        var plan = Planner.Plan(Serial(OwnershipPolicy.Keep, ("mtty-1", 2)), Observe(sim));

        var adopt = Assert.IsType<AdoptMdev>(Assert.Single(plan.Steps, s => s.Operation is AdoptMdev).Operation);
        Assert.Equal((declared, "serial/0/mtty-1/1"), (adopt.Uuid, adopt.VdevName));
        Assert.Equal("serial/0/mtty-1/0", Assert.Single(plan.Steps, s => s.Operation is CreateMdev).Address);
    }

    [Fact]
    public void Plan_ImperativeVdevOfAnotherType_IsLeftAloneWithALocatedWarning()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var uuid = CreateOnRequest(sim, "mtty-2");
        var spec = Serial(OwnershipPolicy.Keep, ("mtty-1", 1)) with { SourceFile = "host.yaml" };

        var plan = Planner.Plan(spec, Observe(sim));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is RemoveMdev or AdoptMdev);
        var warning = Assert.Single(plan.Warnings);
        Assert.Equal(DiagnosticCodes.ImperativeVdevNotDeclared, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal("spec.devices[0]", warning.KeyPath);
        Assert.Contains("Remove-HdIovVirtualDevice -Name mtty-2-0", warning.Hint, StringComparison.Ordinal);
        var state = Apply(sim, plan).FinalState;
        Assert.Contains(state.Mdevs, m => m.Uuid == uuid);
        Assert.True(OwnershipLedger.IsImperative(state.Ledger.FindMdev(uuid)!));
        Assert.Empty(Planner.Plan(spec, state).Steps);
    }

    [Fact]
    public void Plan_NoEntryForTheParent_WarnsAtTheDocumentInsteadOfRemoving()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        CreateOnRequest(sim, "mtty-1");

        var plan = Planner.Plan(Specs.Host("mtty-lab") with { SourceFile = "host.yaml" }, Observe(sim));

        Assert.Empty(plan.Steps);
        var warning = Assert.Single(plan.Warnings);
        Assert.Equal(DiagnosticCodes.ImperativeVdevNotDeclared, warning.Code);
        Assert.Equal(("host.yaml", "spec.devices"), (warning.Location?.File, warning.KeyPath));
    }

    [Fact]
    public void Plan_ImperativeVdevUnderPrune_IsRemoved()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var uuid = CreateOnRequest(sim, "mtty-2");
        var spec = Serial(OwnershipPolicy.Prune, ("mtty-1", 1));

        var plan = Planner.Plan(spec, Observe(sim));

        var remove = Assert.Single(plan.Steps, s => s.Operation is RemoveMdev);
        Assert.Equal(uuid, ((RemoveMdev)remove.Operation).Uuid);
        Assert.Equal(Disruption.DeviceReset, remove.Disruption);
        Assert.Empty(plan.Warnings);
        var state = Apply(sim, plan).FinalState;
        Assert.DoesNotContain(state.Mdevs, m => m.Uuid == uuid);
        Assert.Null(state.Ledger.FindMdev(uuid));
    }

    [Fact]
    public void Plan_ImperativeVdevThatIsNotLive_IsCreatedWithItsUuidAsTheDeclaredOne()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var uuid = CreateOnRequest(sim, "mtty-1");
        sim.Host.WriteAttribute(KernelPaths.MdevRemove(uuid), "1");

        var plan = Planner.Plan(Serial(OwnershipPolicy.Keep, ("mtty-1", 1)), Observe(sim));

        var create = Assert.IsType<CreateMdev>(Assert.Single(plan.Steps).Operation);
        Assert.Equal((uuid, "serial/0/mtty-1/0", (VdevOrigin?)null), (create.Uuid, create.VdevName, create.Origin));
        Assert.Equal("serial/0/mtty-1/0", Apply(sim, plan).FinalState.Ledger.FindMdev(uuid)!.VdevName);
    }

    [Fact]
    public void Plan_QatResetWouldDestroyAnImperativeVdev_IsRefused()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 1), ("dc", 3))));
        Apply(sim, ImperativePlanner.PlanCreate(new VdevCreateRequest("0000:6b:00.0", "asym"), Observe(sim)).Plan);
        var servicesChange = Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["sym"], ("sym", 1)));

        var error = Assert.Throws<PlanRejectedException>(() => Planner.Plan(servicesChange, Observe(sim)));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnownedInTheWay, diagnostic.Code);
        Assert.Contains("created on request", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("Remove-HdIovVirtualDevice", diagnostic.Hint, StringComparison.Ordinal);
    }

    private static Guid CreateOnRequest(TemporarySimulatedHost sim, string type)
    {
        var planned = ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", type), Observe(sim));
        Apply(sim, planned.Plan);
        return Assert.Single(planned.Vdevs);
    }

    private static HostSpec Serial(OwnershipPolicy ownership, params (string Type, int Count)[] vdevs) =>
        Specs.Host("mtty-lab", Siov("serial", Parent("mtty"), [], vdevs) with { Ownership = ownership });
}
