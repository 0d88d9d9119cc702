using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// What survives a reboot: VDEVs persisted as mdevctl definitions come back with their UUIDs; ice-vdcm VDEVs (the
/// engine's own persistence) and VFs are gone, and the next plan re-creates exactly them with the same identities.
/// </summary>
[Trait("Category", "Execution")]
[Collection(ConvergedExamplesCollection.Name)]
public sealed class RebootPersistenceTests(ConvergedExamples examples)
{
    [Fact]
    public void Reboot_ConvergedSprExample_QatVdevsReturn_AndTheNextPlanRecreatesExactlyTheIceVdevs()
    {
        var example = examples.Get("spr-qat-e810");
        using var sim = TemporarySimulatedHost.CloneOf(example.Host.Root);
        var owned = example.Result.FinalState.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev).ToList();
        var viaMdevctl = owned.Where(e => e.Persistence == Persistence.Mdevctl).ToList();
        var viaEngine = owned.Where(e => e.Persistence == Persistence.HdIov).ToList();
        Assert.Equal(84, viaMdevctl.Count);
        Assert.Equal(16, viaEngine.Count);

        sim.Host.Reboot();
        var rebooted = Observe(sim);

        Assert.Equal(Identities(viaMdevctl), rebooted.Mdevs.Select(m => (m.Uuid, m.Parent, m.Type)).Order());
        var plan = Planner.Plan(example.Spec, rebooted);
        var creates = plan.Steps.Select(s => s.Operation).OfType<CreateMdev>().ToList();
        Assert.Equal(Identities(viaEngine), creates.Select(c => (c.Uuid, c.Parent, c.Type)).Order());
        Assert.Equal(viaEngine.Select(e => e.VdevName).Order(StringComparer.Ordinal), creates.Select(c => c.VdevName).Order(StringComparer.Ordinal));
        Assert.All(plan.Steps.Where(s => s.Operation is not CreateMdev), s => Assert.True(s.Operation is SetVfCount or BindVfDriver, s.Description));

        var result = Apply(sim, plan);

        Assert.True(result.Converged);
        Assert.Equal(Identities(owned), result.FinalState.Mdevs.Select(m => (m.Uuid, m.Parent, m.Type)).Order());
        Assert.Empty(Planner.Plan(example.Spec, result.FinalState).Steps);
    }

    [Fact]
    public void Reboot_ConvergedMttyExample_EveryVdevReturnsWithItsUuid_AndThePlanIsEmpty()
    {
        var example = examples.Get("mtty-lab");
        using var sim = TemporarySimulatedHost.CloneOf(example.Host.Root);

        sim.Host.Reboot();
        var rebooted = Observe(sim);

        Assert.Equal(
            example.Result.FinalState.Mdevs.Select(m => (m.Uuid, m.Parent, m.Type)).Order(),
            rebooted.Mdevs.Select(m => (m.Uuid, m.Parent, m.Type)).Order());
        Assert.Equal(6, rebooted.Mdevs.Length);
        Assert.Empty(Planner.Plan(example.Spec, rebooted).Steps);
    }

    private static IEnumerable<(Guid Uuid, string Parent, string Type)> Identities(IEnumerable<LedgerEntry> entries) =>
        entries.Select(e => (e.Uuid!.Value, e.Parent, e.Type!)).Order();
}
