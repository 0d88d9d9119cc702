using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>mtty's 24 ports are one pool for both its types (mtty-1 takes one, mtty-2 two), as on the real kernel.</summary>
public sealed class SharedCapacityTests
{
    [Fact]
    public void Plan_TypesThatTogetherOverrunTheSharedPool_IsRefusedWithTheTypesAndNumbers()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(MttyLab(single: 20, dual: 3), Observe(sim)));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("HDIOV2002", diagnostic.Code);
        Assert.EndsWith(
            ": its mdev types share one pool, and 20 mtty-1 (24 available, 1 share each) + 3 mtty-2 (12 available, 2 shares each) need 26 of its 24 free shares",
            diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("spec.devices[0].vdevs", diagnostic.KeyPath);
        Assert.Empty(Observe(sim).Mdevs);
    }

    [Fact]
    public void Plan_TypesThatFillThePoolExactly_AppliesAndConverges()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");

        var result = Apply(sim, Planner.Plan(MttyLab(single: 20, dual: 2), Observe(sim)));

        Assert.True(result.Converged);
        Assert.Equal(22, result.FinalState.Mdevs.Length);
        Assert.Empty(Planner.Plan(MttyLab(single: 20, dual: 2), result.FinalState).Steps);
    }

    [Fact]
    public void Plan_AnOddNumberOfFreePorts_CountsEachTypesShareNotItsRoundedDownCount()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Converge(sim, MttyLab(single: 1, dual: 0));

        // 23 ports free: mtty-1 shows 23, mtty-2 shows 11; 13 + 5 x 2 = 23 fits exactly, one more mtty-1 does not.
        var result = Apply(sim, Planner.Plan(MttyLab(single: 14, dual: 5), Observe(sim)));

        Assert.True(result.Converged);
        Assert.Equal(19, result.FinalState.Mdevs.Length);
        Converge(sim, MttyLab(single: 1, dual: 0));
        Assert.Throws<PlanRejectedException>(() => Planner.Plan(MttyLab(single: 15, dual: 5), Observe(sim)));
    }
}
