using System.Collections.Concurrent;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// The observed state of a freshly created simulated host per profile, observed once per test run. Planning is
/// pure, so tests that only plan share these snapshots instead of building a host each.
/// </summary>
internal static class FreshStates
{
    private static readonly ConcurrentDictionary<string, Lazy<HostState>> States = new(StringComparer.Ordinal);

    public static HostState Of(string profile) =>
        States.GetOrAdd(profile, p => new Lazy<HostState>(() =>
        {
            using var sim = TemporarySimulatedHost.Create(p);
            return new HostObserver(sim.Host).Observe();
        })).Value;
}
