using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

/// <summary>Releasing a device entry gives each device back as it was before the engine first changed it.</summary>
[Trait("Category", "Execution")]
public sealed class ReleaseTests
{
    /// <summary>
    /// The host's files as a release must leave them: /etc and sysfs. The engine's own journal and ledger, the
    /// simulator's hidden state and /dev (the VFIO container node the kernel makes when VFIO is first used) are aside.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> Snapshot(TemporarySimulatedHost sim) =>
        TreeSnapshot.Take(sim.Root, "var/lib/hdiov", ".hdiov-sim", "dev");

    internal static void AssertUnchanged(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var difference = TreeSnapshot.Difference(before, after);
        Assert.True(difference.Length == 0, "the host is not as it was:\n" + difference);
    }

    [Fact]
    public void QatSplit_SetToModeNone_GivesBackTheConfigurationTheParentAndTheFolders()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var before = Snapshot(sim);
        var split = Specs.Host("spr-node-01", Specs.Siov("qat", Specs.Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 2), ("dc", 2)));
        ConvergeTests.Converge(sim, split);
        Assert.Contains("NumberAdis = 4", sim.Host.ReadText("/etc/4xxx_dev0.conf"), StringComparison.Ordinal);

        var released = Specs.Host("spr-node-01", split.Devices[0] with { Mode = SplitMode.None, Services = [], Vdevs = Specs.MttyLab().Devices[0].Vdevs.Clear() });
        ConvergeTests.Converge(sim, released);

        AssertUnchanged(before, Snapshot(sim));
        var state = ConvergeTests.Observe(sim);
        Assert.Null(state.FindParent("0000:6b:00.0"));
        Assert.DoesNotContain(state.Ledger.Entries, e => e.Parent == "0000:6b:00.0");
        Assert.Empty(Planner.Plan(released, state).Steps);
    }
}
