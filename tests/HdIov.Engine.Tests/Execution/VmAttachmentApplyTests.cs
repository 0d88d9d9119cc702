using System.Diagnostics;
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
/// VM attachments applied to a real libvirtd (QEMU driver, session mode, private to this class) from a simulated
/// host whose libvirt map sends <c>qemu:///system</c> to that daemon.
/// </summary>
[Trait("Category", "Execution")]
[Trait("Category", "Libvirt")]
public sealed class VmAttachmentApplyTests(PrivateLibvirtd libvirtd) : IClassFixture<PrivateLibvirtd>
{
    private const string Foreign = "11111111-2222-3333-4444-555555555555";
    private const string ForeignHostdev = $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{Foreign}'/></source></hostdev>";

    [Fact]
    public void Apply_SpecWithVmAttachment_AddsOurHostdevsKeepsTheForeignOneAndConverges()
    {
        using var sim = libvirtd.MappedHost();
        var vm = libvirtd.DefineDomain("conv-" + Guid.NewGuid().ToString("N")[..8], ForeignHostdev);
        var spec = Spec(vm);

        var result = Apply(sim, spec);

        var xml = libvirtd.DumpXml(vm);
        var ours = result.Completed.Select(s => s.Operation).OfType<AttachVdevToVm>().Select(a => a.Device.Uuid!.Value).ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, uuid => Assert.Contains($"uuid='{uuid:D}'", xml, StringComparison.Ordinal));
        Assert.Contains(Foreign, xml, StringComparison.Ordinal);
        Assert.Equal(2, new HostObserver(sim.Host).Observe().Ledger.Attachments.Count(e => e.Kind == LedgerEntryKind.VmAttachment));
        Assert.Empty(PlanFor(sim, spec).Steps);
    }

    [Fact]
    public void Apply_AttachmentDroppedFromSpec_DetachesOnlyOurHostdevs()
    {
        using var sim = libvirtd.MappedHost();
        var vm = libvirtd.DefineDomain("drop-" + Guid.NewGuid().ToString("N")[..8], ForeignHostdev);
        var spec = Spec(vm);
        var attached = Apply(sim, spec).Completed.Select(s => s.Operation).OfType<AttachVdevToVm>().Select(a => a.Device.Uuid!.Value).ToList();
        var without = spec with { Attachments = [.. spec.Attachments.Where(a => a.Vm is null)] };

        var result = Apply(sim, without);

        var xml = libvirtd.DumpXml(vm);
        Assert.Equal(2, result.Completed.Count(s => s.Operation is DetachVdevFromVm));
        Assert.All(attached, uuid => Assert.DoesNotContain(uuid.ToString("D"), xml, StringComparison.Ordinal));
        Assert.Contains(Foreign, xml, StringComparison.Ordinal);
        Assert.DoesNotContain(new HostObserver(sim.Host).Observe().Ledger.Attachments, e => e.Kind == LedgerEntryKind.VmAttachment);
    }

    [Fact]
    public void Apply_AttachedDomainXml_PassesVirtXmlValidate()
    {
        var validate = LibvirtComponents.RequireProgram("virt-xml-validate", "libvirt-clients");
        LibvirtComponents.RequireProgram("xmllint", "libxml2-utils");
        using var sim = libvirtd.MappedHost();
        var vm = libvirtd.DefineDomain("valid-" + Guid.NewGuid().ToString("N")[..8]);
        Apply(sim, Spec(vm));

        using var process = Process.Start(new ProcessStartInfo(validate, [libvirtd.SaveXml(vm), "domain"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("hostdev", libvirtd.DumpXml(vm), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ConnectRequestThenSpecDeclaringIt_AdoptsTheAttachment()
    {
        using var sim = libvirtd.MappedHost();
        var vm = libvirtd.DefineDomain("adopt-" + Guid.NewGuid().ToString("N")[..8]);
        var spec = Spec(vm);
        var vdevsOnly = spec with { Attachments = [] };
        Apply(sim, vdevsOnly);
        using var machines = LibvirtVirtualMachines.For(sim.Host);
        var state = new HostObserver(sim.Host).Observe();
        var first = state.Ledger.Entries.First(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == "mtty/0/mtty-1/0");
        var device = VmDevice.Mdev(first.Parent, first.Uuid!.Value, first.VdevName);
        var request = AttachmentRequest.ToVm([device], vm, "qemu:///system", live: true);
        var connect = AttachmentRequestPlanner.Connect("mtty-lab", DomainObserver.Observe(state, null, machines, [("qemu:///system", vm)]), request);
        new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(connect);
        Assert.True(new HostObserver(sim.Host).Observe().Ledger.Attachments.Single().Attachment!.Imperative);

        var result = Apply(sim, spec);

        Assert.Contains(result.Completed, s => s.Operation is RecordAttachment { Entry.Attachment.Imperative: false });
        Assert.All(new HostObserver(sim.Host).Observe().Ledger.Attachments, e => Assert.False(e.Attachment!.Imperative));
        Assert.Empty(PlanFor(sim, spec).Steps);
    }

    private static HostSpec Spec(string vm)
    {
        var loaded = SpecLoader.LoadFile(Path.Combine(RepositoryFiles.Root, "examples/mtty-lab/host.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        // The host's name seeds the VDEV UUIDs: one per test keeps the other tests' domains (one libvirtd) from holding these VDEVs.
        return loaded.Spec! with
        {
            Name = vm,
            Attachments = [.. loaded.Spec!.Attachments.Select(a => a.Vm is { } target ? a with { Vm = target with { Name = vm } } : a)],
        };
    }
}
