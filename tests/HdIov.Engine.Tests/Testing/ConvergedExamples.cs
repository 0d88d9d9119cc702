using System.Collections.Concurrent;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// Each profile's example (devices only) converged once on a fresh simulated host and shared by the tests of the
/// <see cref="ConvergedExamplesCollection"/>. Tests read these hosts; a test that changes one works on a clone.
/// </summary>
public sealed class ConvergedExamples : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ConvergedExample>> _examples = new(StringComparer.Ordinal);

    public ConvergedExample Get(string profile) =>
        _examples.GetOrAdd(profile, p => new Lazy<ConvergedExample>(() => ConvergedExample.Converge(p))).Value;

    public void Dispose()
    {
        foreach (var example in _examples.Values.Where(l => l.IsValueCreated))
        {
            example.Value.Host.Dispose();
        }
    }
}

/// <summary>A simulated host of a profile on which that profile's example converged.</summary>
public sealed record ConvergedExample(TemporarySimulatedHost Host, HostSpec Spec, HostState Before, ApplyResult Result)
{
    public static ConvergedExample Converge(string profile)
    {
        var host = TemporarySimulatedHost.Create(profile);
        var spec = ExampleSpecs.DevicesOnly(profile);
        var before = new HostObserver(host.Host).Observe();
        var result = new Executor(host.Host).Apply(Planner.Plan(spec, before));
        return new ConvergedExample(host, spec, before, result);
    }
}

[CollectionDefinition(Name)]
public sealed class ConvergedExamplesCollection : ICollectionFixture<ConvergedExamples>
{
    public const string Name = "converged examples";
}
