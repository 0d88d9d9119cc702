using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Tests.Testing;

/// <summary>What a user runs: load a document, and only when it loads, plan and apply it.</summary>
internal static class UserFlow
{
    /// <summary>The diagnostics that stopped the flow; empty when the spec was applied.</summary>
    public static IReadOnlyList<Diagnostic> LoadPlanApply(string path, IHost host)
    {
        var loaded = SpecLoader.LoadFile(path);
        return loaded.Succeeded ? PlanApply(loaded.Spec!, host) : loaded.Diagnostics;
    }

    /// <summary>Plans and applies a model; a refused plan or a failed apply gives its diagnostics.</summary>
    public static IReadOnlyList<Diagnostic> PlanApply(HostSpec spec, IHost host)
    {
        try
        {
            new Executor(host).Apply(Planner.Plan(spec, new HostObserver(host).Observe()));
            return [];
        }
        catch (HdIovException refused) when (refused is PlanRejectedException or ApplyFailedException)
        {
            return refused.Diagnostics;
        }
    }
}
