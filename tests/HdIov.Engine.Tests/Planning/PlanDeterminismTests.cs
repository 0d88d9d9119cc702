using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Planning;

[Trait("Category", "Planning")]
public sealed class PlanDeterminismTests
{
    [Fact]
    public void Plan_SameSpecAndHost_GivesTheSameJson_EvenFromAnotherObservationOfAnotherHost()
    {
        var spec = ExampleSpecs.DevicesOnly("spr-qat-e810");
        var state = FreshStates.Of("spr-qat-e810");
        using var other = TemporarySimulatedHost.Create("spr-qat-e810");

        var first = PlanSerializer.ToJson(Planner.Plan(spec, state));
        var second = PlanSerializer.ToJson(Planner.Plan(spec, state));
        var third = PlanSerializer.ToJson(Planner.Plan(spec, new HostObserver(other.Host).Observe()));

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Contains("\"configureQat\"", first, StringComparison.Ordinal);
    }
}
