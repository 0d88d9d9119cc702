using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.LibvirtConverge;

namespace HdIov.Engine.Tests.Attachments;

/// <summary>
/// A VDEV attached by hand (<c>virsh attach-device --config</c>) to a domain of a real libvirtd, which the simulated
/// host's map names as its <c>qemu:///system</c>; no spec names the domain, so only the holder discovery finds it.
/// </summary>
public sealed class HeldDeviceLibvirtTests(PrivateLibvirtd libvirtd) : IClassFixture<PrivateLibvirtd>
{
    [Fact]
    public void Shrink_RemovingAVdevADomainHolds_IsRefusedNamingTheDomainAndItsUri()
    {
        using var sim = libvirtd.MappedHost();
        Converge(sim, Specs.MttyLab(single: 4, dual: 0));
        var held = Uuid(sim, "serial/0/mtty-1/3");
        var vm = AttachByHand(held);

        var refused = Assert.Throws<PlanRejectedException>(() => PlanFor(sim, Specs.MttyLab(single: 1, dual: 0)));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("HDIOV2023", diagnostic.Code);
        Assert.Contains($"VM {vm} at qemu:///system (shut off, attached outside the engine)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("serial/0/mtty-1/3", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("onHeld: detach", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Equal("spec.devices[0].onHeld", diagnostic.KeyPath);
        Assert.Contains(held, new HostObserver(sim.Host).Observe().Mdevs.Select(m => m.Uuid));
    }

    [Fact]
    public void Shrink_WithOnHeldDetach_DetachesFromTheDomainFirst_ThenRemoves()
    {
        using var sim = libvirtd.MappedHost();
        Converge(sim, Specs.MttyLab(single: 4, dual: 0));
        var held = Uuid(sim, "serial/0/mtty-1/3");
        var vm = AttachByHand(held);
        var shrink = Specs.MttyLab(single: 1, dual: 0);
        shrink = shrink with { Devices = [shrink.Devices[0] with { OnHeld = HeldPolicy.Detach }] };

        using var machines = LibvirtVirtualMachines.For(sim.Host);
        var plan = Planner.Plan(shrink, DomainObserver.Observe(new HostObserver(sim.Host).Observe(), shrink, machines));

        var detach = Assert.Single(plan.Steps, s => s.Operation is DetachVdevFromVm);
        var remove = Assert.Single(plan.Steps, s => s.Operation is RemoveMdev r && r.Uuid == held);
        Assert.True(detach.Id < remove.Id);
        Assert.DoesNotContain(plan.Steps, s => s.Operation is AttachVdevToVm);
        Assert.Contains(plan.Warnings, w => w.Code == "HDIOV2023" && w.Message.Contains(vm, StringComparison.Ordinal));
        Assert.Contains("serial/0/mtty-1/3", PlanRenderer.Render(plan), StringComparison.Ordinal);

        new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(plan);

        Assert.DoesNotContain(held.ToString("D"), libvirtd.DumpXml(vm), StringComparison.Ordinal);
        Assert.DoesNotContain(held, new HostObserver(sim.Host).Observe().Mdevs.Select(m => m.Uuid));
    }

    [Fact]
    public void Observe_ListsTheDomainThatHoldsAVdev_WithoutASpecNamingIt()
    {
        using var sim = libvirtd.MappedHost();
        Converge(sim, Specs.MttyLab(single: 2, dual: 0));
        var held = Uuid(sim, "serial/0/mtty-1/1");
        var vm = AttachByHand(held);
        using var machines = LibvirtVirtualMachines.For(sim.Host);

        var state = DomainObserver.Observe(new HostObserver(sim.Host).Observe(), null, machines);

        var holder = Assert.IsType<DomainHolder>(Assert.Single(state.Holders.Of(held)));
        Assert.Equal(("qemu:///system", vm, false, true, false, false), (holder.Uri, holder.Domain, holder.Running, holder.InConfig, holder.InLive, holder.AttachedByEngine));
        Assert.Empty(state.Holders.Of(Uuid(sim, "serial/0/mtty-1/0")));
    }

    private string AttachByHand(Guid uuid)
    {
        var vm = libvirtd.DefineDomain("held-" + Guid.NewGuid().ToString("N")[..8]);
        var file = Path.Combine(Path.GetTempPath(), $"hostdev-{Guid.NewGuid():N}.xml");
        File.WriteAllText(file, $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{uuid:D}'/></source></hostdev>");
        try
        {
            var result = libvirtd.Virsh("attach-device", vm, file, "--config");
            Assert.True(result.ExitCode == 0, result.Output);
        }
        finally
        {
            File.Delete(file);
        }

        return vm;
    }

    private static Guid Uuid(TemporarySimulatedHost sim, string vdev) =>
        new HostObserver(sim.Host).Observe().Ledger.Entries.Single(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == vdev).Uuid!.Value;
}
