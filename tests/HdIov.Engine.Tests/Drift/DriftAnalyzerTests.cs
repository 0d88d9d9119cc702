using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Drift;

/// <summary>Drift per item after each kind of change a host goes through: a spec edit, a hand edit, new hardware, a reboot.</summary>
[Trait("Category", "Planning")]
public sealed class DriftAnalyzerTests
{
    private const string BiosAttribute = "/sys/class/firmware-attributes/hdiov-sim-bios/attributes/PcieEnqCmdSupport/current_value";

    [Fact]
    public void Analyze_FreshHost_EveryDeclaredVdevIsDeclaredDrift_AndEveryStepBelongsToOneItem()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = MttyLab(single: 2, dual: 1);
        var state = Observe(sim);
        var plan = Planner.Plan(spec, state);

        var drift = DriftAnalyzer.Analyze(spec, state, plan);

        Assert.Equal(["serial/0/mtty-1/0", "serial/0/mtty-1/1", "serial/0/mtty-2/0"], drift.Select(i => i.Address));
        Assert.All(drift, i => Assert.Equal(DriftKind.Declared, i.Kind));
        Assert.All(drift, i => Assert.Equal(DriftItem.Absent, i.Actual));
        Assert.StartsWith("mtty-1 ", drift[0].Expected, StringComparison.Ordinal);
        AssertEveryStepInOneItem(plan, drift);
    }

    [Fact]
    public void Analyze_ConvergedHost_HasNoDrift()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = MttyLab(single: 2, dual: 1);
        var state = Converge(sim, spec).FinalState;

        Assert.Empty(DriftAnalyzer.Analyze(spec, state, Planner.Plan(spec, state)));
    }

    [Fact]
    public void Analyze_GrownCount_IsDeclaredForTheNewVdevOnly()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Converge(sim, MttyLab(single: 2, dual: 1));
        var grown = MttyLab(single: 3, dual: 1);

        var item = Assert.Single(Analyze(sim, grown));

        Assert.Equal(("serial/0/mtty-1/2", DriftKind.Declared, Disruption.None), (item.Address, item.Kind, item.Disruption));
        Assert.Equal("declared by the spec and not created yet", item.Reason);
    }

    [Fact]
    public void Analyze_OwnedVdevRemovedThroughSysfs_IsChangedOutside_WithTheStepThatRecreatesIt()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = MttyLab(single: 2, dual: 1);
        var converged = Converge(sim, spec).FinalState;
        var victim = converged.Ledger.Entries.Single(e => e.VdevName == "serial/0/mtty-1/1").Uuid!.Value;
        sim.Host.WriteAttribute($"/sys/bus/mdev/devices/{victim:D}/remove", "1");

        var state = Observe(sim);
        var plan = Planner.Plan(spec, state);
        var item = Assert.Single(DriftAnalyzer.Analyze(spec, state, plan));

        Assert.Equal(("serial/0/mtty-1/1", DriftKind.ChangedOutside), (item.Address, item.Kind));
        Assert.Equal($"mtty-1 {victim}", item.Expected);
        Assert.Equal(DriftItem.Absent, item.Actual);
        Assert.Contains("removed outside HdIov", item.Reason, StringComparison.Ordinal);
        Assert.Equal(plan.Steps.Where(s => s.Operation is CreateMdev).Select(s => s.Id), item.Steps);
    }

    [Fact]
    public void Analyze_OwnedMdevctlDefinitionDeleted_IsChangedOutside()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = MttyLab(single: 1, dual: 0);
        var converged = Converge(sim, spec).FinalState;
        var definition = Assert.Single(converged.MdevctlDefinitions);
        sim.Host.DeleteFile($"/etc/mdevctl.d/{definition.Parent}/{definition.Uuid:D}");

        var item = Assert.Single(Analyze(sim, spec));

        Assert.Equal(("serial/0/mtty-1/0", DriftKind.ChangedOutside), (item.Address, item.Kind));
        Assert.Contains("mdevctl definition was deleted", item.Reason, StringComparison.Ordinal);
        Assert.Single(item.Steps);
    }

    [Fact]
    public void Analyze_VfCountChangedByHand_IsChangedOutside_AndTheBindStepsBelongToIt()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Sriov("qat-vf", Pci("0000:f7:00.0"), 4, "vfio-pci"));
        Converge(sim, spec);
        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:f7:00.0/sriov_numvfs", "0");
        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:f7:00.0/sriov_numvfs", "2");

        var state = Observe(sim);
        var plan = Planner.Plan(spec, state);
        var item = Assert.Single(DriftAnalyzer.Analyze(spec, state, plan));

        Assert.Equal(("qat-vf/0/vfs", DriftKind.ChangedOutside, "4 VFs", "2 VFs"), (item.Address, item.Kind, item.Expected, item.Actual));
        Assert.Equal(Disruption.DeviceReset, item.Disruption);
        Assert.Equal(plan.Steps.Select(s => s.Id), item.Steps);
    }

    [Fact]
    public void Analyze_NewVfCountInTheSpec_IsDeclared()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Sriov("qat-vf", Pci("0000:f7:00.0"), 4, null)));
        var more = Specs.Host("spr-node-01", Sriov("qat-vf", Pci("0000:f7:00.0"), 6, null));

        var item = Assert.Single(Analyze(sim, more));

        Assert.Equal(("qat-vf/0/vfs", DriftKind.Declared, "6 VFs", "4 VFs"), (item.Address, item.Kind, item.Expected, item.Actual));
    }

    [Fact]
    public void Analyze_QatServicesChangedInTheSpec_IsDeclared_WithTheRecreatedVdevsInTheSameItem()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym"], ("asym", 2))));
        var changed = Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 2), ("dc", 1)));
        var state = Observe(sim);
        var plan = Planner.Plan(changed, state);

        var drift = DriftAnalyzer.Analyze(changed, state, plan);

        var reset = Assert.Single(drift, i => i.Address == "qat/0");
        Assert.Equal(DriftKind.Declared, reset.Kind);
        Assert.Equal(Disruption.DeviceReset, reset.Disruption);
        Assert.Equal(3, reset.Steps.Length);
        Assert.Equal(["qat/0", "qat/0/dc/0"], drift.Select(i => i.Address));
        AssertEveryStepInOneItem(plan, drift);
    }

    [Fact]
    public void Analyze_QatConfigEditedByHand_IsChangedOutside()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 2), ("dc", 1)));
        Converge(sim, spec);
        var config = sim.Host.ReadText("/etc/4xxx_dev0.conf");
        sim.Host.WriteFile("/etc/4xxx_dev0.conf", config.Replace("ServicesEnabled = asym;dc", "ServicesEnabled = sym", StringComparison.Ordinal));
        Assert.Equal(0, sim.Host.Run("adf_ctl", ["qat_dev0", "restart"]).ExitCode);

        var drift = Analyze(sim, spec);

        var reset = Assert.Single(drift, i => i.Address == "qat/0");
        Assert.Equal(DriftKind.ChangedOutside, reset.Kind);
        Assert.Contains("/etc/4xxx_dev0.conf was changed outside HdIov", reset.Reason, StringComparison.Ordinal);
        Assert.Equal(["qat/0"], drift.Select(i => i.Address));
    }

    [Fact]
    public void Analyze_CdiSpecEditedByHand_IsChangedOutside_AndANewContainerAttachmentIsDeclared()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = MttyLab(single: 2, dual: 0) with
        {
            Attachments = [new AttachmentSpec([new VdevName("serial", 0, "mtty-1", 0)], null, new ContainerTarget(true))],
        };
        Converge(sim, spec);
        var cdi = sim.Host.ReadText("/etc/cdi/hdiov.json");
        sim.Host.WriteFile("/etc/cdi/hdiov.json", cdi.Replace("\"0.5.0\"", "\"0.6.0\"", StringComparison.Ordinal));

        var edited = Assert.Single(Analyze(sim, spec));
        Assert.Equal(("attachments/cdi", DriftKind.ChangedOutside), (edited.Address, edited.Kind));

        var more = spec with
        {
            Attachments = [new AttachmentSpec([new VdevName("serial", 0, "mtty-1", 0), new VdevName("serial", 0, "mtty-1", 1)], null, new ContainerTarget(true))],
        };
        var declared = Assert.Single(Analyze(sim, more));
        Assert.Equal(("attachments/cdi", DriftKind.Declared, "2 CDI devices"), (declared.Address, declared.Kind, declared.Expected));
    }

    [Fact]
    public void Analyze_PfNowAnotherDevice_IsHardwareChanged_WithTheStepsOnIt()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Siov("nic", Pci("0000:16:00.0"), [], ("ice-vdcm", 2)));
        Converge(sim, spec);
        File.WriteAllText(Path.Combine(sim.Root, "sys/devices/pci0000:16/0000:16:00.0/device"), "0x1234\n");

        var state = Observe(sim);
        var drift = DriftAnalyzer.Analyze(spec, state, TryPlan(spec, state));

        var item = Assert.Single(drift);
        Assert.Equal(("0000:16:00.0", DriftKind.HardwareChanged, "a E810 PF", "8086:1234 (Generic)"), (item.Address, item.Kind, item.Expected, item.Actual));
    }

    [Fact]
    public void Analyze_ParentUnregisteredByDriverUnbind_IsHardwareChanged_NamingTheMissingType()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Siov("nic", Pci("0000:16:00.0"), [], ("ice-vdcm", 2)));
        Converge(sim, spec);
        sim.Host.WriteAttribute("/sys/bus/pci/drivers/ice/unbind", "0000:16:00.0");

        var state = Observe(sim);
        var item = Assert.Single(DriftAnalyzer.Analyze(spec, state, TryPlan(spec, state)));

        Assert.Equal(("0000:16:00.0", DriftKind.HardwareChanged), (item.Address, item.Kind));
        Assert.Equal(("ice-vdcm offered", "not registered with the mdev core"), (item.Expected, item.Actual));
    }

    [Fact]
    public void Analyze_PfGone_IsHardwareChanged_EvenWhenThePlanIsRefused()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Sriov("qat-vf", Pci("0000:f7:00.0"), 2, null));
        Converge(sim, spec);
        File.Delete(Path.Combine(sim.Root, "sys/bus/pci/devices/0000:f7:00.0"));

        var state = Observe(sim);
        Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, state));
        var item = Assert.Single(DriftAnalyzer.Analyze(spec, state, plan: null));

        Assert.Equal(("0000:f7:00.0", DriftKind.HardwareChanged, DriftItem.Absent), (item.Address, item.Kind, item.Actual));
        Assert.Contains("2 VFs", item.Expected, StringComparison.Ordinal);
        Assert.Empty(item.Steps);
    }

    [Fact]
    public void Analyze_BiosChangeThatDropsPasid_IsPendingReboot_ThenHardwareChangedAfterTheReboot()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Siov("nic", Pci("0000:16:00.0"), [], ("ice-vdcm", 2)));
        Converge(sim, spec);
        sim.Host.WriteAttribute(BiosAttribute, "Disabled");

        var pending = Assert.Single(Analyze(sim, spec));
        Assert.Equal(("platform/bios", DriftKind.PendingReboot, Disruption.HostReboot), (pending.Address, pending.Kind, pending.Disruption));

        sim.Host.Reboot();
        var state = Observe(sim);
        var drift = DriftAnalyzer.Analyze(spec, state, TryPlan(spec, state));

        var item = Assert.Single(drift);
        Assert.Equal((HardwareDriftAddress, DriftKind.HardwareChanged), (item.Address, item.Kind));
        Assert.Contains("PASID", item.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_KernelArgumentsWritten_ArePendingReboot_AndEditedBackAfterTheReboot_AreChangedOutside()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = MttyLab(single: 1, dual: 0) with { Platform = PlatformSpec.Empty with { KernelArgs = ["hugepagesz=2M"] } };
        var grubBefore = sim.Host.ReadText("/etc/default/grub");

        var declared = Assert.Single(Analyze(sim, spec), i => i.Address == "platform/kernelArgs");
        Assert.Equal(DriftKind.Declared, declared.Kind);

        Converge(sim, spec);
        var pending = Assert.Single(Analyze(sim, spec));
        Assert.Equal(("platform/kernelArgs", DriftKind.PendingReboot, "hugepagesz=2M"), (pending.Address, pending.Kind, pending.Expected));

        sim.Host.Reboot();
        Converge(sim, spec);
        Assert.Empty(Analyze(sim, spec));

        sim.Host.WriteFile("/etc/default/grub", grubBefore);
        var editedBack = Assert.Single(Analyze(sim, spec));
        Assert.Equal(("platform/kernelArgs", DriftKind.ChangedOutside, Disruption.HostReboot), (editedBack.Address, editedBack.Kind, editedBack.Disruption));
    }

    [Fact]
    public void Analyze_VdevCreatedOnRequest_IsUnmanaged_AndNotDrift()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Specs.Host("mtty-lab", Siov("serial", Parent("mtty"), [], ("mtty-1", 1)));
        Converge(sim, spec);
        Apply(sim, ImperativePlanner.PlanCreate(new VdevCreateRequest("mtty", "mtty-2", Name: "scratch"), Observe(sim)).Plan);

        var item = Assert.Single(Analyze(sim, spec));

        Assert.Equal(("scratch", DriftKind.Unmanaged, false), (item.Address, item.Kind, item.IsDrift));
        Assert.Empty(item.Steps);
    }

    private const string HardwareDriftAddress = "platform/iommu";

    private static ImmutableArray<DriftItem> Analyze(TemporarySimulatedHost sim, HostSpec spec)
    {
        var state = Observe(sim);
        return DriftAnalyzer.Analyze(spec, state, Planner.Plan(spec, state));
    }

    private static Plan? TryPlan(HostSpec spec, HostState state)
    {
        try
        {
            return Planner.Plan(spec, state);
        }
        catch (PlanRejectedException)
        {
            return null;
        }
    }

    private static void AssertEveryStepInOneItem(Plan plan, ImmutableArray<DriftItem> drift) =>
        Assert.Equal(plan.Steps.Select(s => s.Id).Order(), drift.SelectMany(i => i.Steps).Order());
}
