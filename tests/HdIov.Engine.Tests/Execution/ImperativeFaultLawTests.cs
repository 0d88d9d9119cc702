using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
using HdIov.Engine.Planning;
using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// The fault law for an imperative create: failing (or crashing at) any write and asking again for the same named
/// VDEVs reaches them, every one recorded as imperative and persisted, with nothing leaked.
/// </summary>
[Trait("Category", "Execution")]
[Trait("Category", "Laws")]
public sealed class ImperativeFaultLawTests
{
    private static readonly VdevCreateRequest Request = new("mtty", "mtty-1", 3, "uart");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_FailingAnyWrite_ThenAskingAgain_Converges(bool crash)
    {
        int totalWrites;
        using (var clean = TemporarySimulatedHost.Create("mtty-lab"))
        {
            var before = clean.Host.WriteCount;
            Apply(clean);
            totalWrites = clean.Host.WriteCount - before;
        }

        Assert.True(totalWrites >= 3, $"the request makes only {totalWrites} writes");
        for (var position = 1; position <= totalWrites; position++)
        {
            using var sim = TemporarySimulatedHost.Create("mtty-lab");
            sim.Host.InjectFault(new SimulatedFault(position, Errno.EIO, crash));
            var failure = Record.Exception(() => Apply(sim));
            Assert.True(failure is ApplyFailedException or SimulatedCrashException or HostIoException,
                $"write {position}/{totalWrites}: expected a failure, got {failure?.GetType().Name ?? "success"}: {failure}");

            sim.Host.ClearFaults();
            var state = Apply(sim).FinalState;

            var recorded = state.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev).ToList();
            Assert.Equal(["uart-0", "uart-1", "uart-2"], recorded.Select(e => e.VdevName).Order(StringComparer.Ordinal));
            Assert.All(recorded, e => Assert.True(OwnershipLedger.IsImperative(e)));
            Assert.Equal(recorded.Select(e => e.Uuid!.Value).Order(), state.Mdevs.Select(m => m.Uuid).Order());
            Assert.Equal(recorded.Select(e => e.Uuid!.Value).Order(), state.MdevctlDefinitions.Select(d => d.Uuid).Order());
            Assert.Empty(ImperativePlanner.PlanCreate(Request, state).Plan.Steps);
        }
    }

    private static ApplyResult Apply(TemporarySimulatedHost sim) =>
        new Executor(sim.Host).Apply(ImperativePlanner.PlanCreate(Request, new HostObserver(sim.Host).Observe()).Plan);
}
