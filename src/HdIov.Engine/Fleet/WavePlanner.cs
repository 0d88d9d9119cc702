using System.Collections.Immutable;

namespace HdIov.Engine.Fleet;

/// <summary>One wave of a rollout: its 1-based number and its hosts in the order they start.</summary>
public sealed record Wave(int Number, ImmutableArray<AssignedHost> Hosts, bool IsCanary);

/// <summary>
/// Cuts an ordered fleet into waves. Sizes come from the strategy's list, the last repeating; a percentage is of the
/// whole fleet, rounded up, at least one host. With hardware canaries the first wave takes the first host of each
/// distinct <see cref="HardwareShape"/> instead of the first size, so every kind of machine is tried once before the
/// rest of the fleet; hosts a resume leaves alone (<c>leftAlone</c>) are never canaries. Pure and
/// deterministic: the same fleet, strategy and shapes give the same waves.
/// </summary>
public static class WavePlanner
{
    public static ImmutableArray<Wave> Plan(
        ImmutableArray<AssignedHost> hosts,
        RolloutStrategy strategy,
        IReadOnlyDictionary<string, HardwareShape>? shapes = null,
        IReadOnlySet<string>? leftAlone = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var ordered = Order(hosts, strategy);
        var waves = ImmutableArray.CreateBuilder<Wave>();
        var remaining = new List<AssignedHost>(ordered);
        var sizeIndex = 0;
        if (strategy.HardwareCanaries && shapes is not null && remaining.Count > 0)
        {
            var seen = new HashSet<HardwareShape>();
            var canaries = remaining
                .Where(h => leftAlone?.Contains(h.Host.Name) != true)
                .Where(h => shapes.TryGetValue(h.Host.Name, out var shape) ? seen.Add(shape) : seen.Add(Unknown(h.Host.Name)))
                .ToList();
            waves.Add(new Wave(1, [.. canaries], IsCanary: true));
            remaining.RemoveAll(canaries.Contains);
            sizeIndex = 1;
        }

        while (remaining.Count > 0)
        {
            var size = strategy.Waves[Math.Min(sizeIndex, strategy.Waves.Length - 1)].Resolve(ordered.Length);
            var take = Math.Min(size, remaining.Count);
            waves.Add(new Wave(waves.Count + 1, [.. remaining.Take(take)], IsCanary: waves.Count == 0 && remaining.Count > take));
            remaining.RemoveRange(0, take);
            sizeIndex++;
        }

        return waves.ToImmutable();
    }

    /// <summary>The hosts in rollout order: as listed, by name, or shuffled with the strategy's seed.</summary>
    public static ImmutableArray<AssignedHost> Order(ImmutableArray<AssignedHost> hosts, RolloutStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        switch (strategy.Order)
        {
            case HostOrder.Sorted:
                return [.. hosts.OrderBy(h => h.Host.Name, StringComparer.Ordinal)];
            case HostOrder.Shuffle:
                // Seeded System.Random is stable across runs and platforms; a Fisher-Yates shuffle over the sorted
                // list makes the order independent of how the inventory happened to list the hosts.
                var list = hosts.OrderBy(h => h.Host.Name, StringComparer.Ordinal).ToArray();
#pragma warning disable CA5394 // not security: a repeatable order, not a secret
                var random = new Random(strategy.Seed);
                for (var i = list.Length - 1; i > 0; i--)
                {
                    var j = random.Next(i + 1);
                    (list[i], list[j]) = (list[j], list[i]);
                }
#pragma warning restore CA5394
                return [.. list];
            default:
                return hosts;
        }
    }

    // A host whose shape could not be read is its own shape: better an extra canary than an untried machine.
    private static HardwareShape Unknown(string host) => new($"unknown ({host})", [], string.Empty);
}
