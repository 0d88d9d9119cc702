using HdIov.Engine.Attachments;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>A scoped plan changes only the device entries and attachments it speaks for; the whole-host plan owns everything.</summary>
[Trait("Category", "Planning")]
public sealed class ScopedPlanningTests
{
    private static readonly DeviceSpec First = Siov("qat", Pci("0000:6b:00.0"), ["asym"], ("asym", 2));

    private static readonly DeviceSpec Second = Siov("qat2", Pci("0000:70:00.0"), ["sym"], ("sym", 2));

    [Fact]
    public void Plan_WholeHostWithoutAnEntry_RemovesItsVdevs()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Apply(sim, Planner.Plan(Specs.Host("spr-node-01", First, Second), Observe(sim)));

        var plan = Planner.Plan(Specs.Host("spr-node-01", First), Observe(sim));

        Assert.Equal(2, plan.Steps.Count(s => s.Operation is RemoveMdev { VdevName: not null } r && r.VdevName.StartsWith("qat2/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Plan_ScopedToOneEntry_LeavesOtherEntriesVdevs()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Apply(sim, Planner.Plan(Specs.Host("spr-node-01", First, Second), Observe(sim)));

        var plan = Planner.Plan(Specs.Host("spr-node-01", First with { Vdevs = First.Vdevs.SetItem("asym", 1) }), Observe(sim), PlanScope.Of(["qat"], []));

        var remove = Assert.Single(plan.Steps);
        Assert.Equal("qat/0/asym/1", Assert.IsType<RemoveMdev>(remove.Operation).VdevName);
        var state = Apply(sim, plan).FinalState;
        Assert.Equal(2, state.Mdevs.Count(m => m.Parent == "0000:70:00.0"));
    }

    [Fact]
    public void Plan_ScopedEntryInModeNone_RemovesOnlyThatEntrysVdevs()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Apply(sim, Planner.Plan(Specs.Host("spr-node-01", First, Second), Observe(sim)));
        var released = First with { Mode = SplitMode.None, Services = [], Vdevs = First.Vdevs.Clear() };

        var state = Apply(sim, Planner.Plan(Specs.Host("spr-node-01", released), Observe(sim), PlanScope.Of(["qat"], []))).FinalState;

        Assert.DoesNotContain(state.Mdevs, m => m.Parent == "0000:6b:00.0");
        Assert.Equal(2, state.Mdevs.Count(m => m.Parent == "0000:70:00.0"));
        Assert.Equal(2, state.Ledger.Entries.Count(e => e.VdevName?.StartsWith("qat2/", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Plan_ScopedAttachment_KeepsOtherCdiDevicesAndFindsVdevsInTheLedger()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var whole = Specs.Host("spr-node-01", First, Second) with
        {
            Attachments = [new AttachmentSpec([new VdevName("qat", 0, "asym", 0)], null, new ContainerTarget(true))],
        };
        Apply(sim, Planner.Plan(whole, Observe(sim)));
        var attachment = new AttachmentSpec([new VdevName("qat2", 0, "sym", 1)], null, new ContainerTarget(true));

        var plan = Planner.Plan(Specs.Host("spr-node-01") with { Attachments = [attachment] }, Observe(sim), PlanScope.Of([], ["qat2/0/sym/1"]));

        var write = Assert.IsType<WriteCdiSpec>(Assert.Single(plan.Steps).Operation);
        Assert.Equal(["qat/0/asym/0", "qat2/0/sym/1"], write.Devices.Select(d => d.VdevName).Order(StringComparer.Ordinal));
        var state = Apply(sim, plan).FinalState;
        Assert.Equal(2, CdiSpecDocument.Parse(state.Platform.CdiSpec).Count);
        Assert.Empty(Planner.Plan(Specs.Host("spr-node-01") with { Attachments = [attachment] }, state, PlanScope.Of([], ["qat2/0/sym/1"])).Steps);
    }

    [Fact]
    public void Plan_ScopedWithoutAttachments_LeavesTheCdiSpec()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var whole = Specs.Host("spr-node-01", First) with
        {
            Attachments = [new AttachmentSpec([new VdevName("qat", 0, "asym", 0)], null, new ContainerTarget(true))],
        };
        Apply(sim, Planner.Plan(whole, Observe(sim)));

        var plan = Planner.Plan(Specs.Host("spr-node-01", Second), Observe(sim), PlanScope.Of(["qat2"], []));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is WriteCdiSpec or RemoveMdev);
    }

    [Fact]
    public void Plan_ScopedEntryOnAPfOfAnotherEntry_IsRefused()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Apply(sim, Planner.Plan(Specs.Host("spr-node-01", First), Observe(sim), PlanScope.Of(["qat"], [])));
        var intruder = First with { Name = "other" };

        var error = Assert.Throws<PlanRejectedException>(() => Planner.Plan(Specs.Host("spr-node-01", intruder), Observe(sim), PlanScope.Of(["other"], [])));

        var diagnostic = Assert.Single(error.Diagnostics, d => d.Code == Diagnostics.DiagnosticCodes.ModeConflict);
        Assert.Contains("'qat'", diagnostic.Message, StringComparison.Ordinal);
    }
}
