using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Testing.Programs;

namespace HdIov.Engine.Tests.Attachments;

/// <summary>
/// <c>vm.guestIommu: add</c> against a simulated host's own libvirtd (a real one): the plan step, the domain's
/// definition as <c>virsh dumpxml --inactive</c> shows it, idempotence, release of exactly what was added, refusals.
/// </summary>
[Trait("Category", "Attachments")]
[Trait("Category", "Libvirt")]
public sealed class GuestIommuLibvirtTests
{
    private const string Vm = "lab-vm01";

    private static readonly GuestIommuPart[] AllParts =
        [GuestIommuPart.Iommu, GuestIommuPart.Features, GuestIommuPart.Ioapic, GuestIommuPart.QemuCommandline, GuestIommuPart.ScalableMode];

    public GuestIommuLibvirtTests()
    {
        LibvirtComponents.RequireLibrary();
        LibvirtComponents.RequireProgram("libvirtd", "libvirt-daemon");
        LibvirtComponents.RequireProgram("qemu-system-x86_64", "qemu-system-x86");
    }

    [Fact]
    public void Plan_GuestIommuAdd_HasTheStepBeforeTheHostdevs_AndChangesNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var before = DumpXml(sim, Vm);

        var plan = session.Converge(Spec(GuestIommuPolicy.Add), apply: false).Plan;

        var steps = plan.Steps.ToList();
        var add = Assert.Single(steps, s => s.Operation is AddGuestIommu);
        var operation = (AddGuestIommu)add.Operation;
        Assert.Equal(("qemu:///system", Vm), (operation.Uri, operation.Domain));
        Assert.Equal(AllParts, operation.Parts);
        Assert.Equal(["mtty/0/mtty-1/0", "mtty/0/mtty-2/0"], operation.Vdevs);
        Assert.Equal($"vm/{Vm}/iommu", add.Address);
        Assert.All(steps.Where(s => s.Operation is AttachVdevToVm), s => Assert.True(steps.IndexOf(s) > steps.IndexOf(add)));
        Assert.Contains("-global intel-iommu.x-scalable-mode=on", add.Description, StringComparison.Ordinal);
        Assert.Equal(before, DumpXml(sim, Vm));
    }

    [Fact]
    public void Apply_AddsTheVIommuToTheDefinition_RecordsExactlyThat_AndConvergesAgainWithNothingToDo()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var spec = Spec(GuestIommuPolicy.Add);

        var result = session.Converge(spec);

        Assert.True(result.Applied!.Converged);
        var xml = DumpXml(sim, Vm);
        Assert.Contains("<iommu model='intel'>", xml, StringComparison.Ordinal);
        Assert.Contains("<driver intremap='on' caching_mode='on'/>", xml, StringComparison.Ordinal);
        Assert.Contains("<ioapic driver='qemu'/>", xml, StringComparison.Ordinal);
        Assert.Contains("<qemu:arg value='-global'/>", xml, StringComparison.Ordinal);
        Assert.Contains("<qemu:arg value='intel-iommu.x-scalable-mode=on'/>", xml, StringComparison.Ordinal);
        Assert.Contains("machine='pc-q35", xml, StringComparison.Ordinal);
        Assert.True(GuestIommu.Parse(xml).Complete, string.Join("; ", GuestIommu.Parse(xml).Missing));
        AssertValid(sim, xml);
        var record = Assert.Single(new HostObserver(sim.Host).Observe().Ledger.GuestIommus);
        Assert.Equal(("qemu:///system", Vm), (record.Attachment!.Uri, record.Attachment.Domain));
        Assert.Equal(AllParts, record.GuestIommu!.Added);
        Assert.Equal(["mtty/0/mtty-1/0", "mtty/0/mtty-2/0"], record.GuestIommu.Vdevs);

        var again = session.Converge(spec, apply: false);

        Assert.True(again.Plan.IsEmpty, string.Join("\n", again.Plan.Steps.Select(s => s.Description)));
        Assert.Empty(HostSession.Drift(spec, again.State, again.Plan));
    }

    [Fact]
    public void Release_TakesOutOnlyWhatWasAdded_GivingBackTheUsersDefinitionExactly()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Redefine(sim, Vm, "<features><acpi/></features>", "<qemu:commandline><qemu:arg value='-no-user-config'/></qemu:commandline>");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        session.Converge(Spec(GuestIommuPolicy.Report));
        var original = DumpXml(sim, Vm);

        var added = session.Converge(Spec(GuestIommuPolicy.Add));

        var parts = Assert.IsType<AddGuestIommu>(Assert.Single(added.Applied!.Completed, s => s.Operation is AddGuestIommu).Operation).Parts;
        Assert.Equal([GuestIommuPart.Iommu, GuestIommuPart.Ioapic, GuestIommuPart.ScalableMode], parts);
        var withIommu = DumpXml(sim, Vm);
        Assert.Contains("<acpi/>", withIommu, StringComparison.Ordinal);
        Assert.Contains("-no-user-config", withIommu, StringComparison.Ordinal);
        Assert.True(GuestIommu.Parse(withIommu).Complete);

        var released = session.Converge(Spec(GuestIommuPolicy.Report));

        var remove = Assert.IsType<RemoveGuestIommu>(Assert.Single(released.Applied!.Completed).Operation);
        Assert.Equal(parts, remove.Parts);
        Assert.Equal(original, DumpXml(sim, Vm));
        Assert.Empty(new HostObserver(sim.Host).Observe().Ledger.GuestIommus);
        Assert.True(session.Converge(Spec(GuestIommuPolicy.Report), apply: false).Plan.IsEmpty);
    }

    [Fact]
    public void DroppingTheAttachment_DetachesItsHostdevs_ThenTakesOutTheVIommu()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var original = DumpXml(sim, Vm);
        var spec = Spec(GuestIommuPolicy.Add);
        session.Converge(spec);

        var result = session.Converge(spec with { Attachments = [.. spec.Attachments.Where(a => a.Vm is null)] });

        var kinds = result.Applied!.Completed.Select(s => s.Operation.GetType()).ToList();
        Assert.Equal([typeof(DetachVdevFromVm), typeof(DetachVdevFromVm), typeof(RemoveGuestIommu)], kinds);
        var xml = DumpXml(sim, Vm);
        Assert.False(GuestIommu.Parse(xml).IntelIommu);
        Assert.DoesNotContain("<features>", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("qemu:commandline", xml, StringComparison.Ordinal);
        Assert.Equal(Strip(original), Strip(xml));
        Assert.Empty(new HostObserver(sim.Host).Observe().Ledger.GuestIommus);
    }

    [Fact]
    public void PartsRemovedByHand_AreDrift_AndTheNextConvergeAddsThemBack()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var spec = Spec(GuestIommuPolicy.Add);
        session.Converge(spec);
        var edited = DumpXml(sim, Vm)
            .Replace("<qemu:arg value='-global'/>", string.Empty, StringComparison.Ordinal)
            .Replace("<qemu:arg value='intel-iommu.x-scalable-mode=on'/>", string.Empty, StringComparison.Ordinal);
        Define(sim, edited);
        Assert.False(GuestIommu.Parse(DumpXml(sim, Vm)).ScalableMode);

        var plan = session.Converge(spec, apply: false);

        var step = Assert.Single(plan.Plan.Steps);
        Assert.Contains(GuestIommuPart.ScalableMode, Assert.IsType<AddGuestIommu>(step.Operation).Parts);
        var item = Assert.Single(HostSession.Drift(spec, plan.State, plan.Plan));
        Assert.Equal((DriftKind.ChangedOutside, $"vm/{Vm}/iommu"), (item.Kind, item.Address));
        Assert.Contains("removed outside HdIov", item.Reason, StringComparison.Ordinal);

        session.Converge(spec);

        Assert.True(GuestIommu.Parse(DumpXml(sim, Vm)).Complete);
        Assert.Equal(AllParts, Assert.Single(new HostObserver(sim.Host).Observe().Ledger.GuestIommus).GuestIommu!.Added.Order());
        Assert.True(session.Converge(spec, apply: false).Plan.IsEmpty);
    }

    [Fact]
    public void NonQ35Domain_IsRefusedAtTheAttachmentsKey_AndNothingChanges()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Redefine(sim, "pc-vm", string.Empty, string.Empty, machine: "pc");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var before = DumpXml(sim, "pc-vm");
        var ledgerBefore = new HostObserver(sim.Host).Observe().Ledger;

        var refused = Assert.Throws<PlanRejectedException>(() => session.Converge(Spec(GuestIommuPolicy.Add, "pc-vm")));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodes.GuestIommuRefused, diagnostic.Code);
        Assert.Equal("spec.attachments[0].vm.guestIommu", diagnostic.KeyPath);
        Assert.EndsWith("host.yaml", diagnostic.Location!.File, StringComparison.Ordinal);
        Assert.Equal(18, diagnostic.Location.Line);
        Assert.Contains("machine type is 'pc-i440fx", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("define the domain as q35", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Equal(before, DumpXml(sim, "pc-vm"));
        Assert.Equal(ledgerBefore.Entries.Length, new HostObserver(sim.Host).Observe().Ledger.Entries.Length);
    }

    [Fact]
    public void RunningDomain_IsNotTouched_TheVIommuWaitsWithAWarning_AndComesOnceItIsShutOff()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var uri = sim.Host.Libvirtd.EnsureRunning();
        Virsh(uri, "start", Vm);
        var spec = Spec(GuestIommuPolicy.Add, live: false);
        try
        {
            var liveBefore = Virsh(uri, "dumpxml", Vm);

            var result = session.Converge(spec);

            var warning = Assert.Single(result.Plan.Warnings, w => w.Code == DiagnosticCodes.GuestIommuDeferred);
            Assert.Equal("spec.attachments[0].vm.guestIommu", warning.KeyPath);
            Assert.Contains("shutdown", warning.Hint, StringComparison.Ordinal);
            Assert.DoesNotContain(result.Plan.Steps, s => s.Operation is AddGuestIommu);
            Assert.Contains(result.Applied!.Completed, s => s.Operation is AttachVdevToVm);
            Assert.False(GuestIommu.Parse(DumpXml(sim, Vm)).IntelIommu);
            Assert.False(GuestIommu.Parse(Virsh(uri, "dumpxml", Vm)).IntelIommu);
            Assert.Equal(Strip(liveBefore), Strip(Virsh(uri, "dumpxml", Vm)));
            var waiting = session.Converge(spec, apply: false);
            Assert.True(waiting.Plan.IsEmpty);
            var item = Assert.Single(HostSession.Drift(spec, waiting.State, waiting.Plan));
            Assert.Equal((DriftKind.Declared, $"vm/{Vm}/iommu"), (item.Kind, item.Address));
        }
        finally
        {
            Virsh(uri, "destroy", Vm);
        }

        var shutOff = session.Converge(spec);

        Assert.Contains(shutOff.Applied!.Completed, s => s.Operation is AddGuestIommu);
        Assert.True(GuestIommu.Parse(DumpXml(sim, Vm)).Complete);
    }

    [Fact]
    public void DomainTheSpecDoesNotName_IsNeverTouched()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        Redefine(sim, "other-vm", string.Empty, string.Empty);
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var before = DumpXml(sim, "other-vm");

        session.Converge(Spec(GuestIommuPolicy.Add));

        Assert.Equal(before, DumpXml(sim, "other-vm"));
        Assert.True(GuestIommu.Parse(DumpXml(sim, Vm)).Complete);
    }

    [Fact]
    public void Readiness_ForAVmReceivingQatVdevs_TurnsOkOnceTheVIommuIsAdded()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        var devices = Specs.SprQatE810();
        var vdev = new VdevName(devices.Devices[0].Name, 0, devices.Devices[0].Vdevs!.Keys.First(), 0);
        HostSpec WithVm(GuestIommuPolicy policy) => devices with
        {
            Attachments = [new AttachmentSpec([vdev], new VmTarget("vm01", "qemu:///system", Live: true) { GuestIommu = policy }, null)],
        };

        var reported = session.Converge(WithVm(GuestIommuPolicy.Report));
        Assert.Equal(ReadinessLevel.Warning, Assert.Single(session.Observe(WithVm(GuestIommuPolicy.Report)).Findings, f => f.Code == DiagnosticCodes.ReadinessGuestIommu).Level);

        session.Converge(WithVm(GuestIommuPolicy.Add));

        Assert.True(reported.Applied!.Converged);
        Assert.Equal(ReadinessLevel.Ok, Assert.Single(session.Observe(WithVm(GuestIommuPolicy.Add)).Findings, f => f.Code == DiagnosticCodes.ReadinessGuestIommu).Level);
    }

    [Fact]
    public void Export_GivesTheGuestIommuBack_SoTheExportPlansNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host, new SessionOptions { Libvirt = true });
        session.Converge(Spec(GuestIommuPolicy.Add));

        var exported = session.Export(session.Observe(), "mtty-lab");

        var vm = Assert.Single(exported.Attachments, a => a.Vm is not null).Vm!;
        Assert.Equal(GuestIommuPolicy.Add, vm.GuestIommu);
        Assert.Contains("guestIommu: add", HdIov.Engine.Spec.SpecWriter.Write(exported), StringComparison.Ordinal);
        Assert.True(session.Converge(exported, apply: false).Plan.IsEmpty);
    }

    private static HostSpec Spec(GuestIommuPolicy policy, string vm = Vm, bool live = true)
    {
        var spec = ExampleSpecs.Load("mtty-lab");
        return spec with
        {
            Attachments = [.. spec.Attachments.Select(a => a.Vm is { } target ? a with { Vm = target with { Name = vm, Live = live, GuestIommu = policy } } : a)],
        };
    }

    /// <summary>The XML without the parts libvirt adds for hostdevs (PCIe root ports and addresses), for comparing the rest.</summary>
    private static string Strip(string xml) =>
        System.Text.RegularExpressions.Regex.Replace(xml, "<controller type='pci'[^>]*/>\\s*|<controller type='pci'[\\s\\S]*?</controller>\\s*|<hostdev[\\s\\S]*?</hostdev>\\s*", string.Empty);

    /// <summary>Defines (or redefines) a q35 domain, or one of another machine type, with the user's own features and QEMU arguments.</summary>
    private static void Redefine(TemporarySimulatedHost sim, string name, string features, string qemu, string machine = "q35") =>
        Define(sim, $"""
            <domain type='qemu' xmlns:qemu='{GuestIommu.QemuNamespace}'>
              <name>{name}</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='{machine}'>hvm</type></os>
              {features}
              <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
              {qemu}
            </domain>
            """);

    private static void Define(TemporarySimulatedHost sim, string xml)
    {
        var uri = sim.Host.Libvirtd.EnsureRunning();
        var name = System.Xml.Linq.XDocument.Parse(xml).Root!.Element("name")!.Value;
        if (Run("virsh", "-c", uri, "domuuid", name) is { ExitCode: 0, Output: var uuid } && !xml.Contains("<uuid>", StringComparison.Ordinal))
        {
            xml = xml.Replace($"<name>{name}</name>", $"<name>{name}</name><uuid>{uuid.Trim()}</uuid>", StringComparison.Ordinal);
        }

        var file = Path.Combine(sim.Root, $"domain-{Guid.NewGuid():N}.xml");
        File.WriteAllText(file, xml);
        Virsh(uri, "define", file);
    }

    private static string DumpXml(TemporarySimulatedHost sim, string name) => Virsh(sim.Host.Libvirtd.EnsureRunning(), "dumpxml", "--inactive", name);

    private static void AssertValid(TemporarySimulatedHost sim, string xml)
    {
        var validate = LibvirtComponents.RequireProgram("virt-xml-validate", "libvirt-clients");
        var file = Path.Combine(sim.Root, "validate.xml");
        File.WriteAllText(file, xml);
        var result = Run(validate, file, "domain");
        Assert.True(result.ExitCode == 0, result.Output);
    }
}
