using System.Collections.Immutable;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>Plans that would destroy, reset or rebind a held device are refused, whichever family's step does it.</summary>
public sealed class HolderGuardTests
{
    private const string Qat0 = "0000:6b:00.0";
    private const string IcxPort = "0000:31:00.0";

    [Fact]
    public void QatServicesChange_WithAVdevADomainHolds_IsRefused()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym"], ("asym", 2))));
        var state = Observe(sim);
        var held = state.Mdevs.First(m => m.Parent == Qat0).Uuid;
        var holder = new DomainHolder("qemu:///system", "vm01", Running: true, InConfig: true, InLive: true, AttachedByEngine: false);

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(
            Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym", "dc"], ("asym", 2), ("dc", 1))),
            WithHolders(state, new HeldDevice(held, null, holder))));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodesFor.DeviceHeld, diagnostic.Code);
        Assert.Contains("configure QAT 0000:6b:00.0", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("reset and re-create", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("VM vm01 at qemu:///system (running, attached outside the engine)", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QatServicesChange_WithOnHeldDetach_HotUnplugsThenReattachesAfterTheRecreate()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Siov("qat", Pci(Qat0), ["asym"], ("asym", 2))));
        var state = Observe(sim);
        var held = state.Mdevs.First(m => m.Parent == Qat0).Uuid;
        var holder = new DomainHolder("qemu:///system", "vm01", Running: true, InConfig: true, InLive: true, AttachedByEngine: false);
        var qemu = new ProcessHolder(4242, "qemu-system-x86_64 -name guest=vm01,debug-threads=on", "has /dev/vfio/7 open", "vm01");
        var entry = Siov("qat", Pci(Qat0), ["asym", "dc"], ("asym", 2), ("dc", 1)) with { OnHeld = HeldPolicy.Detach };

        var plan = Planner.Plan(Specs.Host("spr-node-01", entry), WithHolders(state, new HeldDevice(held, null, holder), new HeldDevice(held, null, qemu)));

        var detach = Assert.Single(plan.Steps, s => s.Operation is DetachVdevFromVm);
        var reset = Assert.Single(plan.Steps, s => s.Operation is ConfigureQat);
        var create = Assert.Single(plan.Steps, s => s.Operation is CreateMdev c && c.Uuid == held);
        var attach = Assert.Single(plan.Steps, s => s.Operation is AttachVdevToVm);
        Assert.True(detach.Id < reset.Id && reset.Id < create.Id && create.Id < attach.Id);
        Assert.Equal(Disruption.DeviceReset, detach.Disruption);
        Assert.Equal(held, ((AttachVdevToVm)attach.Operation).Device.Uuid);
        Assert.True(((AttachVdevToVm)attach.Operation).Imperative);
        Assert.Contains(plan.Warnings, w => w.Code == DiagnosticCodesFor.DeviceHeld);
    }

    [Fact]
    public void SriovCountChange_WithAVfAProcessHolds_IsRefusedNamingThePidAndCommandLine()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        Converge(sim, Specs.Host("icx", Sriov("e810", Pci(IcxPort), 2, "vfio-pci")));
        var state = Observe(sim);
        var vf = PciAddress.Parse("0000:31:01.1");
        var qemu = new ProcessHolder(777, "qemu-system-x86_64 -device vfio-pci,host=31:01.1", "names it with host=");
        var entry = Sriov("e810", Pci(IcxPort), 3, "vfio-pci") with { OnHeld = HeldPolicy.Detach };

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(Specs.Host("icx", entry), WithHolders(state, new HeldDevice(null, vf, qemu))));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Contains("VF 0000:31:01.1 of 0000:31:00.0", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("process 777 (names it with host=): qemu-system-x86_64 -device vfio-pci,host=31:01.1", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("stop process 777", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void VfRebind_WithTheVfADomainHolds_IsRefused()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        Converge(sim, Specs.Host("icx", Sriov("e810", Pci(IcxPort), 2, "vfio-pci")));
        var state = Observe(sim);
        var vf = PciAddress.Parse("0000:31:01.0");
        var holder = new DomainHolder("qemu:///system", "vm02", Running: false, InConfig: true, InLive: false, AttachedByEngine: false);

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(Specs.Host("icx", Sriov("e810", Pci(IcxPort), 2, "iavf")), WithHolders(state, new HeldDevice(null, vf, holder))));

        Assert.Contains(refused.Diagnostics, d => d.Message.Contains("rebind VF 0000:31:01.0", StringComparison.Ordinal) && d.Message.Contains("vm02", StringComparison.Ordinal));
    }

    [Fact]
    public void HandStartedQemu_NamingAVdevWithSysfsdev_IsFoundAndRefusesItsRemoval()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Converge(sim, MttyLab(single: 2, dual: 0));
        var held = Observe(sim).Ledger.Entries.Single(e => e.VdevName == "serial/0/mtty-1/1").Uuid!.Value;
        var proc = Path.Combine(sim.Root, "proc", "4321");
        Directory.CreateDirectory(proc);
        File.WriteAllText(Path.Combine(proc, "cmdline"), $"qemu-system-x86_64\0-m\0512\0-device\0vfio-pci,sysfsdev=/sys/bus/mdev/devices/{held:D}\0");

        var state = Observe(sim);

        var holder = Assert.IsType<ProcessHolder>(Assert.Single(state.Holders.Of(held)));
        Assert.Equal(4321, holder.Pid);
        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(MttyLab(single: 1, dual: 0), state));
        Assert.Contains(refused.Diagnostics, d => d.Code == DiagnosticCodesFor.DeviceHeld && d.Message.Contains("process 4321", StringComparison.Ordinal));
        var imperative = Assert.Throws<PlanRejectedException>(() => ImperativePlanner.PlanRemove(new VdevRemoveRequest([held], Force: false), state));
        Assert.Contains(imperative.Diagnostics, d => d.Code == DiagnosticCodesFor.DeviceHeld);
        Assert.Single(ImperativePlanner.PlanRemove(new VdevRemoveRequest([held], Force: true), state).Plan.Steps);
    }

    [Fact]
    public void Shrink_OfAVdevNobodyHolds_IsPlanned()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Converge(sim, MttyLab(single: 2, dual: 0));
        var state = Observe(sim);
        var kept = state.Ledger.Entries.Single(e => e.VdevName == "serial/0/mtty-1/0").Uuid!.Value;
        var holder = new DomainHolder("qemu:///system", "vm01", Running: true, InConfig: true, InLive: true, AttachedByEngine: false);

        var plan = Planner.Plan(MttyLab(single: 1, dual: 0), WithHolders(state, new HeldDevice(kept, null, holder)));

        Assert.Single(plan.Steps, s => s.Operation is RemoveMdev);
    }

    private static HostState WithHolders(HostState state, params HeldDevice[] held) =>
        state with { Holders = new DeviceHolders([.. held], ImmutableArray<string>.Empty) };

    private static class DiagnosticCodesFor
    {
        public const string DeviceHeld = "HDIOV2023";
    }
}
