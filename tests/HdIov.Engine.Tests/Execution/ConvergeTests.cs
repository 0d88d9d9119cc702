using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

[Trait("Category", "Execution")]
public sealed class ConvergeTests
{
    [Fact]
    public void Apply_SprQatE810_CreatesEveryDeclaredDevice_AndReplanIsEmpty()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.SprQatE810();

        var result = Converge(sim, spec);

        Assert.True(result.Converged);
        var state = result.FinalState;
        Assert.Equal(4, state.Mdevs.Count(m => m.Parent == "0000:6b:00.0" && m.Type == "4xxx-vqat_asym"));
        Assert.Equal(8, state.Mdevs.Count(m => m.Parent == "0000:6b:00.0" && m.Type == "4xxx-vqat_dc"));
        Assert.Equal(2, state.Mdevs.Count(m => m.Parent == "0000:70:00.0" && m.Type == "4xxx-vqat_sym"));
        Assert.Equal(16, state.Mdevs.Count(m => m.Parent == "0000:16:00.0" && m.Type == "ice-vdcm"));
        var vfPf = state.FindFunction(HdIov.Engine.Hardware.Pci.PciAddress.Parse("0000:f7:00.0"))!;
        Assert.Equal(16, vfPf.Sriov!.NumVfs);
        Assert.All(vfPf.Sriov.VirtualFunctions, vf => Assert.Equal("vfio-pci", state.FindFunction(vf)!.Driver));
        Assert.Equal(VdevIdentity.UuidFor("spr-node-01", new VdevName("qat", 0, "asym", 0)),
            state.Ledger.Entries.Single(e => e.VdevName == "qat/0/asym/0").Uuid);
        Assert.Empty(Planner.Plan(spec, state).Steps);
    }

    [Theory]
    [InlineData("mtty-lab")]
    public void Apply_MttyLab_IsIdempotent(string profile)
    {
        using var sim = TemporarySimulatedHost.Create(profile);
        var spec = Specs.MttyLab();

        var result = Converge(sim, spec);

        Assert.Equal(6, result.FinalState.Mdevs.Length);
        Assert.Equal(6, result.FinalState.MdevctlDefinitions.Length);
        Assert.Empty(Planner.Plan(spec, new HostObserver(sim.Host).Observe()).Steps);
    }

    [Fact]
    public void Plan_Grow_AddsOnlyNewVdevs_AndShrinkRemovesNewestOwnedFirst()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Converge(sim, Specs.MttyLab(single: 4, dual: 0));

        var grow = Planner.Plan(Specs.MttyLab(single: 6, dual: 0), Observe(sim));
        Assert.Equal(["serial/0/mtty-1/4", "serial/0/mtty-1/5"], grow.Steps.Select(s => s.Address).ToArray());
        Assert.All(grow.Steps, s => Assert.IsType<CreateMdev>(s.Operation));
        Apply(sim, grow);

        var shrink = Planner.Plan(Specs.MttyLab(single: 3, dual: 0), Observe(sim));
        Assert.Equal(["serial/0/mtty-1/5", "serial/0/mtty-1/4", "serial/0/mtty-1/3"], shrink.Steps.Select(s => s.Address).ToArray());
        Assert.All(shrink.Steps, s => Assert.IsType<RemoveMdev>(s.Operation));
    }

    internal static HostState Observe(TemporarySimulatedHost sim) => new HostObserver(sim.Host).Observe();

    internal static ApplyResult Apply(TemporarySimulatedHost sim, Plan plan) => new Executor(sim.Host).Apply(plan);

    internal static ApplyResult Converge(TemporarySimulatedHost sim, HostSpec spec) => Apply(sim, Planner.Plan(spec, Observe(sim)));
}
