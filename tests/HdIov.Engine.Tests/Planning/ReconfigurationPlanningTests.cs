using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>Changes that need a device reset: the plan says so, orders the reset first, and keeps VDEV identities.</summary>
[Trait("Category", "Planning")]
public sealed class ReconfigurationPlanningTests
{
    private static readonly PciAddress Qat0 = PciAddress.Parse("0000:6b:00.0");
    private static readonly PciAddress QatVfPf = PciAddress.Parse("0000:f7:00.0");
    private static readonly PciAddress IcxPort = PciAddress.Parse("0000:31:00.0");

    [Fact]
    public void Plan_QatServicesChange_ResetsThePf_AndRecreatesItsVdevsWithTheSameUuids()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym"], ("asym", 2))));
        var asymBefore = Observe(sim).Mdevs.Where(m => m.Parent == "0000:6b:00.0").Select(m => m.Uuid).Order().ToList();
        var target = Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 2), ("dc", 1)));

        var plan = Planner.Plan(target, Observe(sim));

        var reset = Assert.Single(plan.Steps, s => s.Operation is ConfigureQat);
        var configure = (ConfigureQat)reset.Operation;
        Assert.Equal(Disruption.DeviceReset, reset.Disruption);
        Assert.Equal(Qat0, configure.Pf);
        Assert.Equal(["asym", "dc"], configure.Services);
        var creates = plan.Steps.Where(s => s.Operation is CreateMdev).ToList();
        Assert.Equal(["qat/0/asym/0", "qat/0/asym/1", "qat/0/dc/0"], creates.Select(s => s.Address));
        Assert.Equal(asymBefore, creates.Take(2).Select(s => ((CreateMdev)s.Operation).Uuid).Order());
        Assert.All(creates, s => Assert.Contains(reset.Id, s.DependsOn));
        Assert.Equal(plan.Steps.Length, creates.Count + 1);

        var result = Apply(sim, plan);

        var live = result.FinalState.Mdevs.Where(m => m.Parent == "0000:6b:00.0").ToList();
        Assert.Equal(asymBefore, live.Where(m => m.Type == "4xxx-vqat_asym").Select(m => m.Uuid).Order());
        Assert.Single(live, m => m.Type == "4xxx-vqat_dc");
        Assert.Empty(Planner.Plan(target, result.FinalState).Steps);
    }

    [Fact]
    public void Plan_SriovCountChange_GoesThroughZero_ThenBindsEveryVf()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        Converge(sim, Specs.Host("icx", Sriov("e810", Pci("0000:31:00.0"), 2, "vfio-pci")));
        var target = Specs.Host("icx", Sriov("e810", Pci("0000:31:00.0"), 3, "vfio-pci"));

        var plan = Planner.Plan(target, Observe(sim));

        Assert.Equal(
            [
                new SetVfCount(IcxPort, 2, 0),
                new SetVfCount(IcxPort, 0, 3, "e810", 0, WithoutProbe: true),
                new BindVfDriver(PciAddress.Parse("0000:31:01.0"), null, "vfio-pci"),
                new BindVfDriver(PciAddress.Parse("0000:31:01.1"), null, "vfio-pci"),
                new BindVfDriver(PciAddress.Parse("0000:31:01.2"), null, "vfio-pci"),
            ],
            plan.Steps.Select(s => s.Operation));
        Assert.Equal(Disruption.DeviceReset, plan.Steps[0].Disruption);
        Assert.All(plan.Steps.Skip(1), s => Assert.Equal(Disruption.None, s.Disruption));
        Assert.Equal([plan.Steps[0].Id], plan.Steps[1].DependsOn.ToArray());
        Assert.All(plan.Steps.Skip(2), s => Assert.Equal([plan.Steps[1].Id], s.DependsOn.ToArray()));

        var result = Apply(sim, plan);

        Assert.Equal(3, result.FinalState.FindFunction(IcxPort)!.Sriov!.NumVfs);
        Assert.Empty(Planner.Plan(target, result.FinalState).Steps);
    }

    [Fact]
    public void Plan_QatPfWithOwnedVfsSwitchedToSiov_DisablesTheVfsBeforeTheReset()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Sriov("qat", Pci("0000:f7:00.0"), 2, "vfio-pci")));
        var target = Specs.Host("spr-node-01", Siov("qat", Pci("0000:f7:00.0"), ["dc"], ("dc", 2)));

        var plan = Planner.Plan(target, Observe(sim));

        Assert.Equal(new SetVfCount(QatVfPf, 2, 0), plan.Steps[0].Operation);
        Assert.Equal(Disruption.DeviceReset, plan.Steps[0].Disruption);
        Assert.IsType<ConfigureQat>(plan.Steps[1].Operation);
        Assert.Equal(["qat/0/dc/0", "qat/0/dc/1"], plan.Steps.Skip(2).Select(s => s.Address));
        Assert.All(plan.Steps.Skip(2), s => Assert.IsType<CreateMdev>(s.Operation));

        var result = Apply(sim, plan);

        Assert.Equal(0, result.FinalState.FindFunction(QatVfPf)!.Sriov!.NumVfs);
        Assert.DoesNotContain(result.FinalState.Ledger.Entries, e => e.Kind == LedgerEntryKind.VirtualFunctions);
        Assert.Equal(2, result.FinalState.Mdevs.Count(m => m.Parent == "0000:f7:00.0" && m.Type == "4xxx-vqat_dc"));
        Assert.Empty(Planner.Plan(target, result.FinalState).Steps);
    }
}
