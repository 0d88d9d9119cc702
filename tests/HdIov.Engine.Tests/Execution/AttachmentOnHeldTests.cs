using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Spec;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Testing.LibvirtConverge;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// An attachment that gives a VDEV to a VM while another domain holds it (the VDEV moves, or a hostdev added by hand
/// is in the way) is refused unless the attachment's <c>onHeld: detach</c>; under it the other domain lets go first.
/// Domains live in a real libvirtd that the simulated host's map names.
/// </summary>
[Trait("Category", "Execution")]
[Trait("Category", "Libvirt")]
public sealed class AttachmentOnHeldTests(PrivateLibvirtd libvirtd) : IClassFixture<PrivateLibvirtd>
{
    private const string Moved = "mtty/0/mtty-1/0";

    // The host's name seeds the VDEV UUIDs: each test's own keeps the domains of the others (one libvirtd) from holding its VDEVs.
    private readonly string _host = "mtty-" + Suffix();

    [Fact]
    public void VdevMovedToAnotherVm_IsRefusedNamingTheVmThatHoldsIt()
    {
        using var sim = libvirtd.MappedHost();
        var first = libvirtd.DefineDomain("first-" + Suffix());
        var second = libvirtd.DefineDomain("second-" + Suffix());
        Assert.True(Apply(sim, Spec(first)).Converged);
        var uuid = Uuid(sim, Moved);

        var refused = Assert.Throws<PlanRejectedException>(() => PlanFor(sim, Spec(second)));

        var held = refused.Diagnostics.Where(d => d.Code == "HDIOV2023").ToList();
        Assert.Equal(2, held.Count);
        var diagnostic = Assert.Single(held, d => d.Message.Contains(Moved, StringComparison.Ordinal));
        Assert.Equal("spec.attachments[0].onHeld", diagnostic.KeyPath);
        Assert.NotNull(diagnostic.Location);
        Assert.Contains($"gives VDEV {Moved} (mtty-1 {uuid:D} on mtty) to VM {second}", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains($"VM {first} at qemu:///system (shut off)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("set onHeld: detach on the attachment", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Contains(uuid.ToString("D"), libvirtd.DumpXml(first), StringComparison.Ordinal);
    }

    [Fact]
    public void VdevMovedToAnotherVm_UnderOnHeldDetach_LeavesTheFirstVmThenReachesTheSecond_AndConverges()
    {
        using var sim = libvirtd.MappedHost();
        var first = libvirtd.DefineDomain("first-" + Suffix());
        var second = libvirtd.DefineDomain("second-" + Suffix());
        Assert.True(Apply(sim, Spec(first)).Converged);
        var uuid = Uuid(sim, Moved);
        var spec = Spec(second, HeldPolicy.Detach);

        var plan = PlanFor(sim, spec);

        var detach = Assert.Single(plan.Steps, s => s.Operation is DetachVdevFromVm d && d.Domain == first && d.Device.Uuid == uuid);
        var attach = Assert.Single(plan.Steps, s => s.Operation is AttachVdevToVm a && a.Domain == second && a.Device.Uuid == uuid);
        Assert.True(detach.Id < attach.Id);
        Assert.Equal(Disruption.None, detach.Disruption);
        Assert.Contains("removed from the shut-off VM's definition before it goes to VM " + second, detach.Reason, StringComparison.Ordinal);
        Assert.Contains(plan.Warnings, w => w.Code == "HDIOV2023" && w.KeyPath == "spec.attachments[0].onHeld" && w.Message.Contains(first, StringComparison.Ordinal));
        Assert.Equal(2, plan.Steps.Count(s => s.Operation is DetachVdevFromVm));

        using var machines = LibvirtVirtualMachines.For(sim.Host);
        var result = new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(plan);

        Assert.True(result.Converged);
        Assert.DoesNotContain(uuid.ToString("D"), libvirtd.DumpXml(first), StringComparison.Ordinal);
        Assert.Contains(uuid.ToString("D"), libvirtd.DumpXml(second), StringComparison.Ordinal);
        var records = new HostObserver(sim.Host).Observe().Ledger.Attachments.Where(e => e.Kind == LedgerEntryKind.VmAttachment).ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(second, r.Attachment!.Domain));
        Assert.Empty(PlanFor(sim, spec).Steps);
    }

    [Fact]
    public void HostdevAddedByHandToAnotherVm_IsNeverRemovedWithoutThePolicy_AndIsTakenUnderIt()
    {
        using var sim = libvirtd.MappedHost();
        var uuid = Planner.Plan(Spec("any"), new HostObserver(sim.Host).Observe()).Steps
            .Select(s => s.Operation).OfType<CreateMdev>().Single(c => c.VdevName == Moved).Uuid;
        var other = libvirtd.DefineDomain("byhand-" + Suffix(), $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{uuid:D}'/></source></hostdev>");
        var target = libvirtd.DefineDomain("target-" + Suffix());

        var refused = Assert.Throws<PlanRejectedException>(() => PlanFor(sim, Spec(target)));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("HDIOV2023", diagnostic.Code);
        Assert.Contains($"VM {other} at qemu:///system (shut off, attached outside the engine) holds it", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains($"virsh -c qemu:///system detach-device {other}", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Contains(uuid.ToString("D"), libvirtd.DumpXml(other), StringComparison.Ordinal);

        var result = Apply(sim, Spec(target, HeldPolicy.Detach));

        Assert.True(result.Converged);
        Assert.DoesNotContain(uuid.ToString("D"), libvirtd.DumpXml(other), StringComparison.Ordinal);
        Assert.Contains(uuid.ToString("D"), libvirtd.DumpXml(target), StringComparison.Ordinal);
        Assert.Empty(PlanFor(sim, Spec(target, HeldPolicy.Detach)).Steps);
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private static Guid Uuid(TemporarySimulatedHost sim, string vdev) =>
        new HostObserver(sim.Host).Observe().Ledger.Entries.Single(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == vdev).Uuid!.Value;

    private HostSpec Spec(string vm, HeldPolicy onHeld = HeldPolicy.Refuse)
    {
        var loaded = SpecLoader.LoadFile(Path.Combine(RepositoryFiles.Root, "examples/mtty-lab/host.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        return loaded.Spec! with
        {
            Name = _host,
            Attachments = [.. loaded.Spec!.Attachments.Select(a => a.Vm is { } target ? a with { Vm = target with { Name = vm }, OnHeld = onHeld } : a)],
        };
    }
}
