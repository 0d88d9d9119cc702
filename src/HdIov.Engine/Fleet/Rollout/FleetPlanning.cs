using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>One host's plan in a fleet plan, or why it has none (unreachable, a spec that does not render).</summary>
public sealed record FleetHostPlan(RolloutHost Host, HostPlanReport? Report, string? Unreachable)
{
    public bool HasChanges => Report is { Steps: > 0 } or { NeedsReboot: true };

    public IReadOnlyList<HostError> Errors => Report?.Errors ?? Host.SpecErrors;
}

/// <summary>
/// Observes and plans every host of a fleet through its target, <see cref="RolloutStrategy.Throttle"/> hosts at once,
/// changing nothing: what <c>Get-HdIovFleetPlan</c> shows, and the hardware shapes of a rollout's canary wave.
/// </summary>
public static class FleetPlanning
{
    public static ImmutableArray<FleetHostPlan> PlanAll(
        IReadOnlyList<RolloutHost> hosts,
        Func<FleetHost, IFleetTarget> targets,
        RolloutStrategy strategy,
        Action<FleetHostPlan>? planned,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(strategy);
        var plans = new ConcurrentDictionary<int, FleetHostPlan>();
        Parallel.For(
            0,
            hosts.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, strategy.Throttle), CancellationToken = cancellationToken },
            index =>
            {
                var plan = PlanOne(hosts[index], targets, strategy, cancellationToken);
                plans[index] = plan;
                planned?.Invoke(plan);
            });
        return [.. Enumerable.Range(0, hosts.Count).Select(i => plans[i])];
    }

    /// <summary>The hardware shape of every host that was planned; a host that could not be is missing (its own canary).</summary>
    public static Dictionary<string, HardwareShape> Shapes(IEnumerable<FleetHostPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        return plans.Where(p => p.Report is not null).ToDictionary(p => p.Host.Name, p => p.Report!.Shape, StringComparer.Ordinal);
    }

    public static FleetHostPlan PlanOne(RolloutHost host, Func<FleetHost, IFleetTarget> targets, RolloutStrategy strategy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(strategy);
        if (host.SpecText is null)
        {
            return new FleetHostPlan(host, null, null);
        }

        try
        {
            using var target = targets(host.Assigned.Host);
            FleetRollout.Connect(target, strategy.ConnectTimeout, cancellationToken);
            using var hostTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            hostTimeout.CancelAfter(strategy.HostTimeout);
            return new FleetHostPlan(host, target.Plan(host.SpecText, hostTimeout.Token), null);
        }
        catch (FleetTargetUnreachableException unreachable)
        {
            return new FleetHostPlan(host, null, unreachable.Reason);
        }
    }
}
