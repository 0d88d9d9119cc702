using HdIov.Engine.Fleet;

namespace HdIov.Engine.Tests.Fleet;

public sealed class FailureBudgetTests
{
    [Fact]
    public void A_budget_halts_when_exceeded_not_when_reached()
    {
        var budget = new FailureBudget(null, HostCount.Of(2), null, null);

        Assert.Null(budget.Exceeded(new FailureCounts(0, 2, 0), 10));
        Assert.Equal(FailureCause.ApplyFailed, budget.Exceeded(new FailureCounts(0, 3, 0), 10));
    }

    [Fact]
    public void A_percentage_is_of_the_hosts_the_budget_covers_and_compared_exactly()
    {
        var budget = new FailureBudget(null, null, null, HostCount.Percent(10));

        Assert.Null(budget.Exceeded(new FailureCounts(1, 1, 0), 20));
        Assert.Equal(FailureCause.Any, budget.Exceeded(new FailureCounts(1, 1, 1), 20));
        // 49% of 4 hosts tolerates one failure (1/4 = 25%), not two (50%).
        var half = new FailureBudget(null, null, null, HostCount.Percent(49));
        Assert.Null(half.Exceeded(new FailureCounts(0, 1, 0), 4));
        Assert.Equal(FailureCause.Any, half.Exceeded(new FailureCounts(0, 2, 0), 4));
    }

    [Fact]
    public void Causes_are_kept_apart()
    {
        var budget = new FailureBudget(HostCount.Of(3), HostCount.Of(0), HostCount.Of(1), null);

        Assert.Null(budget.Exceeded(new FailureCounts(3, 0, 1), 10));
        Assert.Equal(FailureCause.Unreachable, budget.Exceeded(new FailureCounts(4, 0, 0), 10));
        Assert.Equal(FailureCause.ApplyFailed, budget.Exceeded(new FailureCounts(0, 1, 0), 10));
        Assert.Equal(FailureCause.HealthFailed, budget.Exceeded(new FailureCounts(0, 0, 2), 10));
    }

    [Fact]
    public void The_default_budget_tolerates_no_failure()
    {
        Assert.Null(FailureBudget.None.Exceeded(FailureCounts.Zero, 10));
        Assert.Equal(FailureCause.Any, FailureBudget.None.Exceeded(FailureCounts.Zero.Add(FailureCause.Unreachable), 10));
    }
}
