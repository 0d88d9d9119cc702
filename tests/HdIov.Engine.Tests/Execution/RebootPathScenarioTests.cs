using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// The main example (examples/spr-qat-e810/host.yaml, attachments included) on hosts that need a reboot first: what
/// waits for the reboot is deferred with a warning, never refused; apply stops at the barrier; after the reboot the
/// same spec converges and stays converged. VM attachments go to a real libvirtd that the host's map names.
/// </summary>
public sealed class RebootPathScenarioTests(PrivateLibvirtd libvirtd) : IClassFixture<PrivateLibvirtd>
{
    [Fact]
    public void HostBootedWithTheSmEqualsOnTypo_PlansTheFix_DefersVdevsAndAttachments_ThenConvergesAfterTheReboot()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        BootWith(sim, "intel_iommu=on,sm=on iommu=pt");
        var spec = MainExample(libvirtd.DefineDomain("vm01-" + Guid.NewGuid().ToString("N")[..6]));
        using var machines = Map(sim);

        var plan = Plan(sim, spec, machines);

        Assert.Contains(plan.Steps, s => s.Operation is SetBootArguments b && b.After.Contains("intel_iommu=on,sm_on", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Steps, s => s.Operation is CreateMdev or AttachVdevToVm);
        Assert.Contains(plan.Steps, s => s.Operation is SetVfCount);
        var deferred = plan.Warnings.Where(w => w.Code == "HDIOV2005" && w.Message.StartsWith("attaching VDEV", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, deferred.Count);
        Assert.All(deferred, w => Assert.Contains("waits for the reboot that turns on scalable mode", w.Message, StringComparison.Ordinal));
        Assert.Contains(deferred, w => w.Message.Contains("qat/0/asym/0", StringComparison.Ordinal) && w.Location is not null);

        var first = new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(plan);
        Assert.Empty(first.Deferred);

        sim.Host.Reboot();
        Assert.Contains("sm_on", sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
        ConvergeAfterTheReboot(sim, spec, machines);
    }

    [Fact]
    public void HostWhoseFirmwareHasVtdDisabled_PlansTheBiosSwitchAndArguments_DefersWhatNeedsTheIommu_ThenConvergesAfterTheReboot()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        sim.Host.WriteAttribute(VtdAttribute, "Disabled");
        BootWith(sim, "quiet");
        Assert.False(sim.Host.Exists("/sys/firmware/acpi/tables/DMAR"));
        Assert.Empty(sim.Host.ListDirectory("/sys/class/iommu"));
        Assert.Empty(sim.Host.ListDirectory("/sys/kernel/iommu_groups"));
        var observed = new HostObserver(sim.Host).Observe();
        Assert.Contains(observed.Findings, f => f.Code == "HDIOV4001" && f.Level == ReadinessLevel.Blocker && f.Subject == "BIOS");
        var spec = MainExample(libvirtd.DefineDomain("vm01-" + Guid.NewGuid().ToString("N")[..6]));
        // The host's firmware-attributes class (no BMC needed) exposes VT-d among the example's switches.
        var bios = spec.Platform.Bios!;
        spec = spec with { Platform = spec.Platform with { Bios = bios with { Source = BiosSource.FirmwareAttributes, Settings = bios.Settings.Where(s => s.Key == "vtd").ToImmutableSortedDictionary() } } };
        using var machines = Map(sim);

        var plan = Plan(sim, spec, machines);

        var vtd = Assert.Single(plan.Steps, s => s.Operation is SetFirmwareAttribute);
        Assert.Equal(new SetFirmwareAttribute("hdiov-sim-bios", "VTdSupport", "Disabled", "Enabled"), vtd.Operation);
        Assert.Equal(Disruption.HostReboot, vtd.Disruption);
        Assert.Contains(plan.Steps, s => s.Operation is SetBootArguments b && b.After.Contains("intel_iommu=on,sm_on", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Steps, s => s.Operation is CreateMdev or AttachVdevToVm or SetVfCount or BindVfDriver);
        Assert.Contains(plan.Warnings, w => w.Code == "HDIOV2005" && w.Message.Contains("vfio-pci", StringComparison.Ordinal) && w.Message.Contains("the reboot that turns on VT-d", StringComparison.Ordinal));
        var deferred = plan.Warnings.Where(w => w.Code == "HDIOV2005" && w.Message.StartsWith("attaching VDEV", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, deferred.Count);
        Assert.All(deferred, w => Assert.Contains("waits for the reboot that turns on VT-d and scalable mode", w.Message, StringComparison.Ordinal));

        var first = new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(plan);
        Assert.Empty(first.Deferred);
        Assert.Equal("1", sim.Host.ReadText("/sys/class/firmware-attributes/hdiov-sim-bios/attributes/pending_reboot").Trim());
        Assert.Empty(sim.Host.ListDirectory("/sys/class/iommu"));

        sim.Host.Reboot();
        Assert.True(sim.Host.Exists("/sys/firmware/acpi/tables/DMAR"));
        Assert.NotEmpty(sim.Host.ListDirectory("/sys/class/iommu"));
        ConvergeAfterTheReboot(sim, spec, machines);
    }

    [Fact]
    public void HostWhoseFirmwareAttributesExposeOnlyVtd_Disabled_PlansTheSwitchAndArguments_DefersTheRest_ThenConvergesAfterTheReboot()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-vtd-off");
        var spec = MainExample(libvirtd.DefineDomain("vm01-" + Guid.NewGuid().ToString("N")[..6]));
        spec = spec with
        {
            Platform = spec.Platform with { Bios = new BiosSpec(BiosSource.FirmwareAttributes, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("vtd", "enabled")]), ImmutableSortedDictionary<string, string>.Empty) },
        };
        using var machines = Map(sim);

        var plan = Plan(sim, spec, machines);

        Assert.Equal(new SetFirmwareAttribute("hdiov-sim-bios", "VTdSupport", "Disabled", "Enabled"), Assert.Single(plan.Steps, s => s.Operation is SetFirmwareAttribute).Operation);
        var arguments = (SetBootArguments)Assert.Single(plan.Steps, s => s.Operation is SetBootArguments).Operation;
        Assert.Contains("intel_iommu=on,sm_on", arguments.After, StringComparison.Ordinal);
        Assert.Contains("iommu=pt", arguments.After, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Steps, s => s.Operation is CreateMdev or AttachVdevToVm or WriteCdiSpec or SetVfCount or BindVfDriver);
        var waiting = plan.Warnings.Where(w => w.Code == "HDIOV2005").ToList();
        Assert.Contains(waiting, w => w.KeyPath == "spec.devices[0]" && w.Message.Contains("reboot", StringComparison.Ordinal));
        Assert.Contains(waiting, w => w.KeyPath == "spec.devices[1]" && w.Message.Contains("reboot", StringComparison.Ordinal));
        Assert.Contains(waiting, w => w.Message.Contains("vfio-pci", StringComparison.Ordinal) && w.Message.Contains("the reboot that turns on VT-d", StringComparison.Ordinal));
        var attachments = waiting.Where(w => w.Message.StartsWith("attaching VDEV", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, attachments.Count);
        Assert.All(attachments, w => Assert.Contains("waits for the reboot that turns on VT-d and scalable mode", w.Message, StringComparison.Ordinal));
        Assert.NotEmpty(plan.PendingReboot);

        var first = new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(plan);

        Assert.Empty(first.Deferred);
        Assert.Equal("1", sim.Host.ReadText("/sys/class/firmware-attributes/hdiov-sim-bios/attributes/pending_reboot").Trim());
        Assert.Empty(sim.Host.ListDirectory("/sys/class/iommu"));
        var atBarrier = Plan(sim, spec, machines);
        Assert.DoesNotContain(atBarrier.Steps, s => s.Operation is SetFirmwareAttribute or SetBootArguments or CreateMdev);

        sim.Host.Reboot();

        Assert.NotEmpty(sim.Host.ListDirectory("/sys/kernel/iommu_groups"));
        Assert.Contains("intel_iommu=on,sm_on", sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
        var state = ConvergeAfterTheReboot(sim, spec, machines);

        Assert.Equal(7 * 12 + 16, state.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Mdev));
        Assert.Equal(16, state.Functions.Count(f => f.PhysicalFunction?.ToString() == "0000:f7:00.0" && f.Driver == "vfio-pci"));
        Assert.Equal(["nic/0/ice-vdcm/1", "qat/1/dc/0"], CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName).Order(StringComparer.Ordinal));
    }

    private const string VtdAttribute = "/sys/class/firmware-attributes/hdiov-sim-bios/attributes/VTdSupport/current_value";

    /// <summary>
    /// The plan after the reboot: nothing waits any more, the platform is done, the example's two VM VDEVs are attached;
    /// its apply converges, the next plan is empty, and the VM's definition holds qat/0/asym/0. The host's state after.
    /// </summary>
    private HostState ConvergeAfterTheReboot(TemporarySimulatedHost sim, HostSpec spec, IVirtualMachines machines)
    {
        var second = Plan(sim, spec, machines);
        Assert.DoesNotContain(second.Warnings, w => w.Code == "HDIOV2005");
        Assert.DoesNotContain(second.Steps, s => s.Operation is SetFirmwareAttribute or SetBootArguments);
        Assert.Equal(2, second.Steps.Count(s => s.Operation is AttachVdevToVm));
        var result = new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(second);

        Assert.True(result.Converged);
        Assert.Empty(Plan(sim, spec, machines).Steps);
        var state = new HostObserver(sim.Host).Observe();
        var vm = spec.Attachments.Single(a => a.Vm is not null).Vm!.Name;
        var asym = state.Ledger.Entries.Single(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == "qat/0/asym/0").Uuid!.Value;
        Assert.Contains(asym.ToString("D"), libvirtd.DumpXml(vm), StringComparison.Ordinal);
        return state;
    }

    private static void BootWith(TemporarySimulatedHost sim, string arguments)
    {
        var grub = sim.Host.ReadText("/etc/default/grub");
        var line = grub.Split('\n').Single(l => l.StartsWith("GRUB_CMDLINE_LINUX=", StringComparison.Ordinal));
        sim.Host.WriteFile("/etc/default/grub", grub.Replace(line, $"GRUB_CMDLINE_LINUX=\"{arguments}\"", StringComparison.Ordinal));
        Assert.Equal(0, sim.Host.Run("update-grub", []).ExitCode);
        sim.Host.Reboot();
        Assert.Contains(arguments, sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
    }

    private static HostSpec MainExample(string vm)
    {
        var loaded = SpecLoader.LoadFile(Path.Combine(RepositoryFiles.Root, "examples/spr-qat-e810/host.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        // The host's name seeds the VDEV UUIDs: one per test keeps the other tests' domains (one libvirtd) from holding these VDEVs.
        return loaded.Spec! with
        {
            Name = vm,
            Attachments = [.. loaded.Spec!.Attachments.Select(a => a.Vm is { } target ? a with { Vm = target with { Name = vm } } : a)],
        };
    }

    private LibvirtVirtualMachines Map(TemporarySimulatedHost sim)
    {
        File.WriteAllText(Path.Combine(sim.Root, ".hdiov-sim", "libvirt.json"), $$"""{ "uris": { "qemu:///system": "{{libvirtd.Uri}}" } }""");
        return LibvirtVirtualMachines.For(sim.Host);
    }

    private static Plan Plan(TemporarySimulatedHost sim, HostSpec spec, IVirtualMachines machines) =>
        Planner.Plan(spec, DomainObserver.Observe(new HostObserver(sim.Host).Observe(), spec, machines));
}
