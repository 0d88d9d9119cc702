using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;

namespace HdIov.Engine.Tests.Planning;

/// <summary>Imperative requests become plans with the declarative rules: types, capacity, ownership, persistence.</summary>
[Trait("Category", "Planning")]
public sealed class ImperativePlannerTests
{
    private const string QatPf = "0000:6b:00.0";
    private const string IcePort = "0000:16:00.0";

    [Fact]
    public void PlanCreate_OnMtty_CreatesNamedImperativeVdevsWithDerivedUuids()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");

        var planned = ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-1", 2, "console"), Observe(sim));

        var creates = planned.Plan.Steps.Select(s => Assert.IsType<CreateMdev>(s.Operation)).ToList();
        Assert.Equal(["console-0", "console-1"], creates.Select(c => c.VdevName));
        Assert.All(creates, c => Assert.Equal(VdevOrigin.Imperative, c.Origin));
        Assert.All(creates, c => Assert.Equal(Persistence.Mdevctl, c.Persist));
        Assert.Equal(ImperativePlanner.UuidFor("mtty", "console-0"), creates[0].Uuid);
        Assert.Equal(creates.Select(c => c.Uuid), planned.Vdevs);
        Assert.All(planned.Plan.Steps, s => Assert.Equal(Disruption.None, s.Disruption));
    }

    [Fact]
    public void Apply_CreateRequest_RecordsImperativeEntryAndDefinitionAndIsIdempotent()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var request = new VdevCreateRequest("mtty", "mtty-2");

        var state = Apply(sim, ImperativePlanner.PlanCreate(request, Observe(sim)).Plan).FinalState;

        var mdev = Assert.Single(state.Mdevs);
        var entry = state.Ledger.FindMdev(mdev.Uuid)!;
        Assert.Equal(VdevOrigin.Imperative, entry.Origin);
        Assert.Equal("mtty-2-0", entry.VdevName);
        Assert.Contains(state.MdevctlDefinitions, d => d.Uuid == mdev.Uuid && d.AutoStart && d.Type == "mtty-2");
        var again = ImperativePlanner.PlanCreate(request with { Name = "mtty-2-0" }, state);
        Assert.Empty(again.Plan.Steps);
        Assert.Equal([mdev.Uuid], again.Vdevs.AsEnumerable());
    }

    [Fact]
    public void PlanCreate_WithoutName_TakesTheLowestFreeGeneratedName()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Apply(sim, ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-1"), Observe(sim)).Plan);

        var next = ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-1", 2), Observe(sim));

        Assert.Equal(["mtty-1-1", "mtty-1-2"], next.Plan.Steps.Select(s => s.Address));
    }

    [Fact]
    public void PlanCreate_QatService_ResolvesToTheServiceTypeOnAConfiguredPf()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Specs.Siov("qat", Specs.Pci(QatPf), ["asym", "dc"], ("asym", 1), ("dc", 3))));

        var planned = ImperativePlanner.PlanCreate(new VdevCreateRequest("0000:6B:00.0", "asym"), Observe(sim));

        var create = Assert.IsType<CreateMdev>(Assert.Single(planned.Plan.Steps).Operation);
        Assert.Equal((QatPf, "4xxx-vqat_asym", Persistence.Mdevctl), (create.Parent, create.Type, create.Persist));
    }

    [Fact]
    public void PlanCreate_QatServiceNotRunning_IsRefusedWithTheWayToEnableIt()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Specs.Siov("qat", Specs.Pci(QatPf), ["asym"], ("asym", 1))));

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanCreate(new VdevCreateRequest(QatPf, "dc"), Observe(sim)));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.TypeNotOffered, diagnostic.Code);
        Assert.Contains("does not run the QAT dc service", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("services", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Equal("Type", diagnostic.KeyPath);
    }

    [Fact]
    public void PlanCreate_MoreThanAvailable_IsRefusedAsCapacity()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var state = Observe(sim);
        var available = state.FindParent("mtty")!.FindType("mtty-2")!.Available.Count!.Value;

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-2", available + 1), state));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.CapacityExceeded, diagnostic.Code);
        Assert.Contains($"ask for at most {available}", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanCreate_IceVdcm_IsPersistedByTheLedgerAndChecksTheAdapterBudget()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var state = Observe(sim);

        var planned = ImperativePlanner.PlanCreate(new VdevCreateRequest(IcePort, "ice-vdcm", 2), state);
        var refused = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanCreate(new VdevCreateRequest(IcePort, "ice-vdcm", 759), state));

        Assert.All(planned.Plan.Steps, s => Assert.Equal(Persistence.HdIov, Assert.IsType<CreateMdev>(s.Operation).Persist));
        Assert.Equal(DiagnosticCodes.CapacityExceeded, Assert.Single(refused.Diagnostics).Code);
    }

    [Theory]
    [InlineData("mtty", "nope", 1, null, DiagnosticCodes.TypeNotOffered, "Type")]
    [InlineData("mtty", "mtty-1", 0, null, DiagnosticCodes.InvalidValue, "Count")]
    [InlineData("mtty", "mtty-1", 1, "../etc", DiagnosticCodes.InvalidName, "Name")]
    [InlineData("mtty", "mtty-1", 1, "a/b", DiagnosticCodes.InvalidName, "Name")]
    [InlineData("0000:zz:00.0", "mtty-1", 1, null, DiagnosticCodes.InvalidPciAddress, "Parent")]
    [InlineData("0000:fe:1f.7", "mtty-1", 1, null, DiagnosticCodes.NoDeviceMatches, "Parent")]
    [InlineData("serial9", "mtty-1", 1, null, DiagnosticCodes.DriverMissing, "Parent")]
    public void PlanCreate_BadRequest_IsRefusedWithACodeAndTheField(string parent, string type, int count, string? name, string code, string key)
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanCreate(new VdevCreateRequest(parent, type, count, name), Observe(sim)));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((code, key), (diagnostic.Code, diagnostic.KeyPath));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    [Fact]
    public void PlanCreate_UuidOfAnUnownedMdev_IsRefused()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var unowned = Guid.NewGuid();
        sim.Host.WriteAttribute(KernelPaths.MdevCreate("mtty", "mtty-1"), KernelPaths.Format(unowned));

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-1", Uuid: unowned), Observe(sim)));

        Assert.Equal(DiagnosticCodes.UnownedInTheWay, Assert.Single(error.Diagnostics).Code);
    }

    [Fact]
    public void PlanCreate_NameTakenByAnotherVdev_IsRefusedAsDuplicate()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Apply(sim, ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-1", Name: "uart"), Observe(sim)).Plan);

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-2", Name: "uart"), Observe(sim)));

        Assert.Equal(DiagnosticCodes.DuplicateName, Assert.Single(error.Diagnostics).Code);
    }

    [Fact]
    public void PlanRemove_UnownedWithoutForce_IsRefusedNamingForce_AndWithForceRemoves()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var unowned = Guid.NewGuid();
        sim.Host.WriteAttribute(KernelPaths.MdevCreate("mtty", "mtty-1"), KernelPaths.Format(unowned));
        var state = Observe(sim);

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanRemove(new VdevRemoveRequest([unowned]), state));
        var forced = ImperativePlanner.PlanRemove(new VdevRemoveRequest([unowned], Force: true), state);

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.VdevNotOwned, diagnostic.Code);
        Assert.Contains("-Force", diagnostic.Hint, StringComparison.Ordinal);
        var step = Assert.Single(forced.Plan.Steps);
        Assert.Equal(new RemoveMdev("mtty", "mtty-1", unowned, null), step.Operation);
        Assert.Equal(Disruption.DeviceReset, step.Disruption);
        Assert.Empty(Apply(sim, forced.Plan).FinalState.Mdevs);
    }

    [Fact]
    public void PlanRemove_OpenVfioGroup_IsRefusedAsInUseUnlessForced()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var state = Apply(sim, ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-1"), Observe(sim)).Plan).FinalState;
        var mdev = Assert.Single(state.Mdevs);
        var open = ImmutableSortedDictionary<int, int>.Empty.Add(mdev.IommuGroup!.Value, 4242);

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanRemove(new VdevRemoveRequest([mdev.Uuid]) { OpenVfioGroups = open }, state));
        var forced = ImperativePlanner.PlanRemove(new VdevRemoveRequest([mdev.Uuid], Force: true) { OpenVfioGroups = open }, state);

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.DeviceInUse, diagnostic.Code);
        Assert.Contains("process 4242", diagnostic.Message, StringComparison.Ordinal);
        Assert.Single(forced.Plan.Steps);
    }

    [Fact]
    public void PlanRemove_VdevPublishedInTheCdiSpec_IsRefusedAsInUse()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Specs.MttyLab(1, 0) with
        {
            Attachments = [new AttachmentSpec([new VdevName("serial", 0, "mtty-1", 0)], null, new ContainerTarget(true))],
        };
        var state = Converge(sim, spec).FinalState;
        var uuid = Assert.Single(state.Mdevs).Uuid;

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanRemove(new VdevRemoveRequest([uuid]), state));

        Assert.Equal(DiagnosticCodes.DeviceInUse, Assert.Single(error.Diagnostics).Code);
        Assert.Contains("CDI", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanRemove_DeclaredVdev_WarnsThatTheSpecBringsItBack()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var state = Converge(sim, Specs.MttyLab(1, 0)).FinalState;

        var planned = ImperativePlanner.PlanRemove(new VdevRemoveRequest([Assert.Single(state.Mdevs).Uuid]), state);

        Assert.Equal(DiagnosticCodes.DeclaredVdevRemoved, Assert.Single(planned.Plan.Warnings).Code);
        Assert.Equal("serial/0/mtty-1/0", Assert.Single(planned.Plan.Steps).Address);
    }

    [Fact]
    public void PlanRemove_UnknownUuid_IsRefusedAsNotFound()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");

        var error = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanRemove(new VdevRemoveRequest([Guid.NewGuid()], Force: true), Observe(sim)));

        Assert.Equal(DiagnosticCodes.NoDeviceMatches, Assert.Single(error.Diagnostics).Code);
    }
}
