using System.Collections.Immutable;
using HdIov.Engine.Fleet;

namespace HdIov.Engine.Tests.Fleet;

public sealed class WavePlannerTests
{
    private static readonly FleetGroup Group = new(
        "g",
        new HostSelector(ImmutableSortedDictionary<string, string>.Empty, null),
        HostSpecTemplate.FromFile(FleetText.MttySpec, "mtty.yaml"),
        ImmutableSortedDictionary<string, string>.Empty,
        null,
        new HdIov.Engine.Diagnostics.SourceLocation("f", 1, 1));

    private static ImmutableArray<AssignedHost> Hosts(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new AssignedHost(
            new FleetHost($"h{i:D3}", new LocalTransport($"/r/{i}"), ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, string>.Empty, [], null),
            Group))];

    private static RolloutStrategy Strategy(params HostCount[] waves) => RolloutStrategy.Default with { Waves = [.. waves] };

    [Fact]
    public void Wave_sizes_follow_the_list_and_the_last_repeats()
    {
        var waves = WavePlanner.Plan(Hosts(40), Strategy(HostCount.Of(1), HostCount.Of(5), HostCount.Percent(20)));

        Assert.Equal([1, 5, 8, 8, 8, 8, 2], waves.Select(w => w.Hosts.Length));
        Assert.Equal(Enumerable.Range(1, 7), waves.Select(w => w.Number));
        Assert.Equal(Hosts(40).Select(h => h.Host.Name), waves.SelectMany(w => w.Hosts).Select(h => h.Host.Name));
        Assert.True(waves[0].IsCanary);
        Assert.False(waves[1].IsCanary);
    }

    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(10, 15, 2)]
    [InlineData(3, 10, 1)]
    [InlineData(500, 10, 50)]
    [InlineData(7, 100, 7)]
    public void Percentages_round_up_to_at_least_one_host(int fleet, int percent, int expected) =>
        Assert.Equal(expected, HostCount.Percent(percent).Resolve(fleet));

    [Fact]
    public void Hardware_canaries_take_one_host_of_each_shape_first()
    {
        var hosts = Hosts(9);
        ImmutableSortedSet<string> families = ["a", "b"];
        var shapes = hosts.ToDictionary(
            h => h.Host.Name,
            h => new HardwareShape(int.Parse(h.Host.Name[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? "cpu-b" : "cpu-a", h.Host.Name == "h005" ? ["a"] : families, "6.1"));
        var strategy = Strategy(HostCount.Of(2), HostCount.Of(4)) with { HardwareCanaries = true };

        var waves = WavePlanner.Plan(hosts, strategy, shapes);

        Assert.Equal(["h001", "h003", "h005"], waves[0].Hosts.Select(h => h.Host.Name));
        Assert.True(waves[0].IsCanary);
        Assert.Equal([3, 4, 2], waves.Select(w => w.Hosts.Length));
    }

    [Fact]
    public void A_shuffle_is_repeatable_with_its_seed_and_independent_of_listing_order()
    {
        var strategy = RolloutStrategy.Default with { Order = HostOrder.Shuffle, Seed = 7 };
        var hosts = Hosts(20);

        var first = WavePlanner.Order(hosts, strategy).Select(h => h.Host.Name).ToList();
        var reversed = WavePlanner.Order([.. hosts.Reverse()], strategy).Select(h => h.Host.Name).ToList();
        var otherSeed = WavePlanner.Order(hosts, strategy with { Seed = 8 }).Select(h => h.Host.Name).ToList();

        Assert.Equal(first, reversed);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(hosts.Select(h => h.Host.Name), first);
        Assert.Equal(hosts.Select(h => h.Host.Name).Order(StringComparer.Ordinal), first.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Sorted_order_is_by_name()
    {
        var hosts = Hosts(5).Reverse().ToImmutableArray();

        var ordered = WavePlanner.Order(hosts, RolloutStrategy.Default with { Order = HostOrder.Sorted });

        Assert.Equal(["h001", "h002", "h003", "h004", "h005"], ordered.Select(h => h.Host.Name));
    }
}
