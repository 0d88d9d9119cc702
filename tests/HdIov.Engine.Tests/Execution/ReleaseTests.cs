using System.Collections.Immutable;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Execution;

/// <summary>Releasing a device entry gives each device back as it was before the engine first changed it.</summary>
[Trait("Category", "Execution")]
public sealed class ReleaseTests
{
    private const string Qat0 = "0000:6b:00.0";
    private const string IcxPort = "0000:31:00.0";

    private static DeviceSpec Released(DeviceSpec entry) =>
        entry with { Mode = SplitMode.None, Services = [], Vdevs = entry.Vdevs.Clear(), Vfs = null };

    [Fact]
    public void QatSplit_SetToModeNone_GivesBackTheConfigurationTheParentAndTheFolders()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var before = TreeSnapshot.HostFiles(sim.Root);
        var split = Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym", "dc"], ("asym", 2), ("dc", 2)));
        Converge(sim, split);
        Assert.Contains("NumberAdis = 4", sim.Host.ReadText("/etc/4xxx_dev0.conf"), StringComparison.Ordinal);

        var released = Specs.Host("spr-node-01", Released(split.Devices[0]));
        Converge(sim, released);

        TreeSnapshot.AssertUnchanged(before, TreeSnapshot.HostFiles(sim.Root));
        var state = Observe(sim);
        Assert.Null(state.FindParent(Qat0));
        Assert.DoesNotContain(state.Ledger.Entries, e => e.Parent == Qat0 || e.Parent.StartsWith("/etc/mdevctl.d", StringComparison.Ordinal));
        Assert.Empty(Planner.Plan(released, state).Steps);
    }

    [Fact]
    public void QatSplit_DroppedFromTheSpec_IsGivenBackToo()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var before = TreeSnapshot.HostFiles(sim.Root);
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["sym"], ("sym", 3)) with { Ownership = OwnershipPolicy.Prune }));

        Converge(sim, Specs.Host("spr-node-01"));

        TreeSnapshot.AssertUnchanged(before, TreeSnapshot.HostFiles(sim.Root));
        Assert.Empty(Observe(sim).Ledger.Entries);
    }

    [Fact]
    public void Baseline_IsRecordedAtTheFirstChange_AndNeverOverwritten()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var original = sim.Host.ReadText("/etc/4xxx_dev0.conf");
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym"], ("asym", 2))));
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym", "dc"], ("asym", 3), ("dc", 3))));

        var baseline = Observe(sim).Ledger.FindBaseline(Qat0);

        Assert.NotNull(baseline?.ConfigFile);
        Assert.Equal("/etc/4xxx_dev0.conf", baseline.ConfigFile.Path);
        Assert.Equal(original, baseline.ConfigFile.Text);
        Assert.Contains("NumberAdis = 6", sim.Host.ReadText("/etc/4xxx_dev0.conf"), StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_IsAPlanStep_ShownAndSerialized_AndPlanningChangesNothing()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var split = Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym", "dc"], ("asym", 2), ("dc", 2)));
        Converge(sim, split);
        var converged = TreeSnapshot.HostFiles(sim.Root);

        var plan = Planner.Plan(Specs.Host("spr-node-01", Released(split.Devices[0])), Observe(sim));

        var restore = Assert.Single(plan.Steps, s => s.Operation is RestoreQatConfiguration);
        Assert.Equal(Disruption.DeviceReset, restore.Disruption);
        Assert.Equal("services asym;dc, NumberAdis 0 (as before HdIov changed it)", restore.After);
        Assert.True(plan.Steps.Where(s => s.Operation is RemoveMdev).All(s => s.Id < restore.Id));
        Assert.IsType<ForgetBaseline>(plan.Steps[^1].Operation);
        Assert.Contains("restore QAT 0000:6b:00.0 as it was before HdIov changed it", PlanRenderer.Render(plan, detailed: true), StringComparison.Ordinal);
        Assert.Equal(PlanSerializer.ToJson(plan), PlanSerializer.ToJson(PlanSerializer.FromJson(PlanSerializer.ToJson(plan))));
        TreeSnapshot.AssertUnchanged(converged, TreeSnapshot.HostFiles(sim.Root));
    }

    [Fact]
    public void QatRelease_WithAVdevMadeOutsideTheEngine_KeepsTheConfigurationWithAWarning_AndGivesItBackOnceThatVdevIsGone()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var split = Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym"], ("asym", 2)));
        Converge(sim, split);
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym"], ("asym", 1))));
        var outside = Guid.Parse("6f1d43c4-9a0e-4c4a-8d4e-1f2b3c4d5e6f");
        sim.Host.WriteAttribute(KernelPaths.MdevCreate(Qat0, "4xxx-vqat_asym"), KernelPaths.Format(outside));
        var holder = new DomainHolder("qemu:///system", "vm07", Running: true, InConfig: true, InLive: true, AttachedByEngine: false);
        var state = Observe(sim) with { Holders = new DeviceHolders([new HeldDevice(outside, null, holder)], ImmutableArray<string>.Empty) };
        var released = Specs.Host("spr-node-01", Released(split.Devices[0]));

        var plan = Planner.Plan(released, state);

        var warning = Assert.Single(plan.Warnings, w => w.Code == "HDIOV2009");
        Assert.Contains(outside.ToString(), warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Steps, s => s.Operation is RestoreQatConfiguration or ForgetBaseline);
        Assert.Contains(plan.Steps, s => s.Operation is RemoveMdev);
        Apply(sim, plan);
        Assert.Contains("NumberAdis = 2", sim.Host.ReadText("/etc/4xxx_dev0.conf"), StringComparison.Ordinal);
        Assert.Contains(Observe(sim).Mdevs, m => m.Uuid == outside);

        sim.Host.WriteAttribute($"/sys/bus/mdev/devices/{outside}/remove", "1");
        var later = Planner.Plan(released, Observe(sim));

        Assert.Contains(later.Steps, s => s.Operation is RestoreQatConfiguration);
        Assert.IsType<ForgetBaseline>(later.Steps[^1].Operation);
        Assert.DoesNotContain(later.Warnings, w => w.Code == "HDIOV2009");
    }

    [Fact]
    public void SriovSplit_SetToModeNone_GivesBackTheVfCountAndDrivers()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        var before = TreeSnapshot.HostFiles(sim.Root);
        var split = Specs.Host("icx", Sriov("e810", Pci(IcxPort), 2, "vfio-pci"));
        Converge(sim, split);
        Assert.Equal("2", sim.Host.ReadText($"/sys/bus/pci/devices/{IcxPort}/sriov_numvfs").Trim());

        var released = Specs.Host("icx", Released(split.Devices[0]));
        Converge(sim, released);

        TreeSnapshot.AssertUnchanged(before, TreeSnapshot.HostFiles(sim.Root));
        var state = Observe(sim);
        Assert.DoesNotContain(state.Ledger.Entries, e => e.Parent == IcxPort);
        Assert.Empty(Planner.Plan(released, state).Steps);
    }

    [Fact]
    public void SriovSplit_AdoptedVfs_GetTheirCountAndDriversBack()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        sim.Host.WriteAttribute($"/sys/bus/pci/devices/{IcxPort}/sriov_numvfs", "2");
        var vfs = Observe(sim).FindFunction(PciAddress.Parse(IcxPort))!.Sriov!.VirtualFunctions;
        var drivers = vfs.Select(vf => Observe(sim).FindFunction(vf)!.Driver).ToList();
        var split = Specs.Host("icx", Sriov("e810", Pci(IcxPort), 2, "vfio-pci") with { Ownership = OwnershipPolicy.Adopt });
        Converge(sim, split);
        Assert.All(vfs, vf => Assert.Equal("vfio-pci", Observe(sim).FindFunction(vf)!.Driver));

        Converge(sim, Specs.Host("icx", Released(split.Devices[0])));

        var state = Observe(sim);
        Assert.Equal(2, state.FindFunction(PciAddress.Parse(IcxPort))!.Sriov!.NumVfs);
        Assert.Equal(drivers, vfs.Select(vf => state.FindFunction(vf)!.Driver));
        Assert.All(vfs, vf => Assert.Null(state.FindFunction(vf)!.DriverOverride));
        Assert.DoesNotContain(state.Ledger.Entries, e => e.Parent == IcxPort);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MdevctlFolders_TheEngineCreated_GoOnceEmpty_AndOnesThatExistedStay(bool folderExisted)
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        if (folderExisted)
        {
            Directory.CreateDirectory(Path.Combine(sim.Root, "etc/mdevctl.d/mtty"));
        }

        var before = TreeSnapshot.HostFiles(sim.Root);
        var split = MttyLab(single: 2, dual: 1);
        Converge(sim, split);
        Assert.Equal(3, sim.Host.ListDirectory("/etc/mdevctl.d/mtty").Count);

        Converge(sim, Specs.Host("mtty-lab", Released(split.Devices[0])));

        TreeSnapshot.AssertUnchanged(before, TreeSnapshot.HostFiles(sim.Root));
        Assert.Equal(folderExisted, sim.Host.Exists("/etc/mdevctl.d/mtty"));
        Assert.Empty(Observe(sim).Ledger.Entries);
    }
}
