using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>
/// After a converge, the real mdevctl lists exactly the VDEVs the engine created, and lists as defined (start auto)
/// exactly the ones persisted in mdevctl's format; ice-vdcm VDEVs, which the engine persists itself, are not defined.
/// </summary>
[Trait("Category", "Simulation")]
[Collection(ConvergedExamplesCollection.Name)]
public sealed class MdevctlConvergeFidelityTests(ConvergedExamples examples)
{
    [Theory]
    [InlineData("spr-qat-e810")]
    [InlineData("mtty-lab")]
    public void Mdevctl_AfterConvergingTheExample_ListsWhatTheEngineCreatedAndPersisted(string profile)
    {
        var example = examples.Get(profile);
        var owned = example.Result.FinalState.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev).ToList();
        Assert.Contains(owned, e => e.Persistence == Persistence.Mdevctl);

        var active = MdevctlTool.Lines(MdevctlTool.Run(example.Host.Root, "list"));
        var defined = MdevctlTool.Lines(MdevctlTool.Run(example.Host.Root, "list --defined"));

        Assert.Equal(
            owned.Select(e => $"{KernelPaths.Format(e.Uuid!.Value)} {e.Parent} {e.Type} {(e.Persistence == Persistence.Mdevctl ? "auto (defined)" : "manual")}").Order(StringComparer.Ordinal),
            active);
        Assert.Equal(
            owned.Where(e => e.Persistence == Persistence.Mdevctl)
                .Select(e => $"{KernelPaths.Format(e.Uuid!.Value)} {e.Parent} {e.Type} auto (active)").Order(StringComparer.Ordinal),
            defined);
        Assert.DoesNotContain(defined, line => line.Contains("ice-vdcm", StringComparison.Ordinal));
        Assert.Equal(profile == "spr-qat-e810" ? 16 : 0, owned.Count(e => e.Type == "ice-vdcm"));
    }
}
