using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Testing.Programs;

namespace HdIov.Engine.Tests.Simulation;

/// <summary>
/// Every simulated host's own libvirt: a real libvirtd per host, started by the first connection that needs it, found
/// through the same <see cref="LibvirtVirtualMachines"/> a real host uses, with the profile's VMs defined.
/// </summary>
[Trait("Category", "Simulation")]
[Trait("Category", "Libvirt")]
public sealed class SimulatedLibvirtdTests
{
    public SimulatedLibvirtdTests()
    {
        LibvirtComponents.RequireLibrary();
        LibvirtComponents.RequireProgram("libvirtd", "libvirt-daemon");
        LibvirtComponents.RequireProgram("qemu-system-x86_64", "qemu-system-x86");
    }

    [Fact]
    public void Converge_MttyExample_AttachesThroughTheHostsOwnLibvirt_AndConvergesAgainWithNothingToDo()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = ExampleSpecs.Load("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });

        var result = session.Converge(spec);

        Assert.DoesNotContain(result.Plan.Warnings, w => w.Code == "HDIOV2014");
        var attached = result.Applied!.Completed.Select(s => s.Operation).OfType<AttachVdevToVm>().ToList();
        Assert.Equal(2, attached.Count);
        Assert.All(attached, a => Assert.Equal(("qemu:///system", "lab-vm01"), (a.Uri, a.Domain)));
        var xml = Virsh(sim.Host.Libvirtd.Uri, "dumpxml", "--inactive", "lab-vm01");
        Assert.All(attached, a => Assert.Contains($"uuid='{a.Device.Uuid:D}'", xml, StringComparison.Ordinal));
        Assert.True(session.Converge(spec, apply: false).Plan.IsEmpty);
    }

    [Fact]
    public void Export_AfterTheVmAttachmentConverged_GivesItBack_SoTheExportPlansNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        session.Converge(ExampleSpecs.Load("mtty-lab"));

        var exported = session.Export(session.Observe(), "mtty-lab");

        var vm = Assert.Single(exported.Attachments, a => a.Vm is not null);
        Assert.Equal(("lab-vm01", "qemu:///system", true), (vm.Vm!.Name, vm.Vm.Uri, vm.Vm.Live));
        Assert.Equal(["mtty/0/mtty-1/0", "mtty/0/mtty-2/0"], vm.Vdevs.Select(v => v.ToString()));
        Assert.True(session.Converge(exported, apply: false).Plan.IsEmpty);
    }

    [Fact]
    public void TwoHostsInOneProcess_EachSeesOnlyItsOwnDomains()
    {
        using var spr = TemporarySimulatedHost.Create("spr-qat-e810");
        using var lab = TemporarySimulatedHost.Create("mtty-lab");
        using var sprMachines = LibvirtVirtualMachines.For(spr.Host);
        using var labMachines = LibvirtVirtualMachines.For(lab.Host);

        Assert.Equal(["vm01"], sprMachines.ListDomains(DomainHolderReader.HostUri));
        Assert.Equal(["lab-vm01"], labMachines.ListDomains(DomainHolderReader.HostUri));
        Assert.Null(sprMachines.FindDomain(DomainHolderReader.HostUri, "lab-vm01"));
        Assert.NotEqual(spr.Host.Libvirtd.Uri, lab.Host.Libvirtd.Uri);
        Assert.StartsWith(spr.Root, spr.Host.Libvirtd.SocketPath, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvergeWithoutVmAttachments_StartsNoLibvirtd()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });

        var result = session.Converge(Specs.MttyLab(single: 2, dual: 1));
        session.Observe(Specs.MttyLab(single: 2, dual: 1));

        Assert.True(result.Applied!.Converged);
        Assert.False(sim.Host.Libvirtd.HasStarted);
        Assert.False(sim.Host.Libvirtd.IsRunning);
        Assert.False(Directory.Exists(Path.Combine(sim.Root, "run", "libvirt")));
    }

    [Fact]
    public void Shrink_RemovingAVdevHeldByTheHostsOwnVm_IsRefused_EvenAfterItsLibvirtdStopped()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using (var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true }))
        {
            session.Converge(Specs.MttyLab(single: 4, dual: 0));
        }

        var held = new HostObserver(sim.Host).Observe().Ledger.Entries.Single(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == "serial/0/mtty-1/3").Uuid!.Value;
        var uri = sim.Host.Libvirtd.EnsureRunning();
        var hostdev = Path.Combine(sim.Root, "hostdev.xml");
        File.WriteAllText(hostdev, $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{held:D}'/></source></hostdev>");
        Virsh(uri, "attach-device", "lab-vm01", hostdev, "--config");
        sim.Host.Libvirtd.Stop();
        Assert.False(sim.Host.Libvirtd.IsRunning);

        using var again = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var refused = Assert.Throws<PlanRejectedException>(() => again.Converge(Specs.MttyLab(single: 1, dual: 0)));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("HDIOV2023", diagnostic.Code);
        Assert.Contains("VM lab-vm01 at qemu:///system (shut off, attached outside the engine)", diagnostic.Message, StringComparison.Ordinal);
        Assert.True(sim.Host.Libvirtd.IsRunning);
    }

    [Fact]
    public void Reboot_StopsTheLibvirtd_AndTheNextUseFindsTheDefinitionsAgain()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        sim.Host.Libvirtd.EnsureRunning();
        Assert.True(sim.Host.Libvirtd.IsRunning);

        sim.Host.Reboot();

        Assert.False(sim.Host.Libvirtd.IsRunning);
        Assert.True(sim.Host.Libvirtd.HasStarted);
        using var machines = LibvirtVirtualMachines.For(sim.Host);
        Assert.Equal(["vm01"], machines.ListDomains(DomainHolderReader.HostUri));
        Assert.True(sim.Host.Libvirtd.IsRunning);
    }

    [Fact]
    public void HostUnderARootTooLongForASocketPath_IsReachedThroughAShortLinkToItsRunFolder()
    {
        var parent = Path.Combine(Path.GetTempPath(), "hdiov-test-" + Guid.NewGuid().ToString("N"), new string('r', 60));
        var sim = SimulatedHost.Create(Path.Combine(parent, "host"), "mtty-lab");
        try
        {
            using var machines = LibvirtVirtualMachines.For(sim);

            Assert.Equal(["lab-vm01"], machines.ListDomains(DomainHolderReader.HostUri));
            Assert.StartsWith("/tmp/hdiov-libvirt-", sim.Libvirtd.SocketPath, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(sim.Root, "run", "libvirt", "libvirt-sock")));
            machines.Dispose();
            sim.Libvirtd.Stop();
            Assert.False(Path.Exists(Path.GetDirectoryName(Path.GetDirectoryName(sim.Libvirtd.SocketPath))));
        }
        finally
        {
            sim.Libvirtd.Stop();
            Directory.Delete(Path.GetDirectoryName(parent)!, recursive: true);
        }
    }

    [Fact]
    public void MappedUri_WinsOverTheHostsOwnLibvirtd()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        File.WriteAllText(Path.Combine(sim.Root, ".hdiov-sim", "libvirt.json"), """{ "libvirtd": [ "qemu:///system" ], "uris": { "qemu:///system": "test:///default" } }""");
        using var machines = LibvirtVirtualMachines.For(sim.Host);

        Assert.Equal(["test"], machines.ListDomains(DomainHolderReader.HostUri));
        Assert.False(sim.Host.Libvirtd.HasStarted);
    }

    [Theory]
    [InlineData("spr-qat-e810")]
    [InlineData("mtty-lab")]
    public void ProfileDomains_AreValidLibvirtDomainXml(string profile)
    {
        LibvirtComponents.RequireProgram("virt-xml-validate", "libvirt-clients");
        using var sim = TemporarySimulatedHost.Create(profile);
        using var machines = LibvirtVirtualMachines.For(sim.Host);
        var vm = Assert.Single(machines.ListDomains(DomainHolderReader.HostUri));
        var file = Path.Combine(sim.Root, "domain.xml");
        File.WriteAllText(file, Virsh(sim.Host.Libvirtd.Uri, "dumpxml", "--inactive", vm));

        var validate = Run("virt-xml-validate", file, "domain");

        Assert.True(validate.ExitCode == 0, validate.Output);
    }
}
