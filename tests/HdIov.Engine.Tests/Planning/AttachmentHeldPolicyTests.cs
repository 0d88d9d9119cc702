using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.Qat4xxx;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>
/// An attachment's <c>onHeld</c>: what a plan does with a VDEV the attachment declares when its own VM holds it and the
/// plan re-creates it, or when another VM or a process holds it and the attachment gives it to its VM. Pure planning
/// over observed holders and domains.
/// </summary>
public sealed class AttachmentHeldPolicyTests
{
    private const string Uri = "qemu:///system";
    private const string Qat0 = "0000:6b:00.0";
    private const string Asym0 = "qat/0/asym/0";

    [Fact]
    public void QatReset_OfAVdevItsRunningVmHolds_IsRefusedWithoutAPolicy()
    {
        var (state, uuid) = ConvergedQat();

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(Reconfigured("vm01", HeldPolicy.Refuse), Held(state, uuid, Running("vm01"))));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("HDIOV2023", diagnostic.Code);
        Assert.Equal("spec.devices[0].onHeld", diagnostic.KeyPath);
        Assert.Contains("or on the attachment that declares it for this VM", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void QatReset_UnderTheAttachmentsOnHeldDetach_HotUnplugsFromItsVm_ResetsAndReattaches()
    {
        var (state, uuid) = ConvergedQat();

        var plan = Planner.Plan(Reconfigured("vm01", HeldPolicy.Detach), Held(state, uuid, Running("vm01")));

        var detach = Assert.Single(plan.Steps, s => s.Operation is DetachVdevFromVm);
        var reset = Assert.Single(plan.Steps, s => s.Operation is ConfigureQat);
        var create = Assert.Single(plan.Steps, s => s.Operation is CreateMdev c && c.Uuid == uuid);
        var attach = Assert.Single(plan.Steps, s => s.Operation is AttachVdevToVm a && a.Device.Uuid == uuid);
        Assert.True(detach.Id < reset.Id && reset.Id < create.Id && create.Id < attach.Id);
        Assert.Equal(Disruption.DeviceReset, detach.Disruption);
        Assert.Equal(DomainChangeScope.Config | DomainChangeScope.Live, ((AttachVdevToVm)attach.Operation).Scope);
        var warning = Assert.Single(plan.Warnings, w => w.Code == "HDIOV2023");
        Assert.Equal("spec.attachments[0].onHeld", warning.KeyPath);
        Assert.Equal("set onHeld: refuse on spec.attachments[0] to be asked instead", warning.Hint);
    }

    [Fact]
    public void QatReset_UnderAnotherVmsAttachmentPolicy_StillRefusesForTheVmThatHoldsIt()
    {
        var (state, uuid) = ConvergedQat();
        var spec = Reconfigured("vm01", HeldPolicy.Detach);
        var other = spec with { Attachments = [spec.Attachments[0] with { Vdevs = [new VdevName("qat", 0, "asym", 1)] }] };

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(other, Held(state, uuid, Running("vm01"))));

        Assert.Contains(refused.Diagnostics, d => d.Code == "HDIOV2023" && d.KeyPath == "spec.devices[0].onHeld");
    }

    [Fact]
    public void VdevARunningVmHolds_GivenToAnotherVm_IsRefusedAtTheAttachment()
    {
        var (state, uuid) = ConvergedQat();
        var spec = Attached(Entry(["asym"]), "vm02", HeldPolicy.Refuse);

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Held(state, uuid, Running("vm01"), ShutOff("vm02"))));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("spec.attachments[0].onHeld", diagnostic.KeyPath);
        Assert.StartsWith($"spec.attachments[0] gives VDEV {Asym0} (4xxx-vqat_asym {uuid:D} on {Qat0}) to VM vm02 at {Uri}, but VM vm01 at {Uri} (running, attached outside the engine) holds it", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("hot-unplugged from the running guest", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void VdevARunningVmHolds_GivenToAnotherVmUnderOnHeldDetach_IsHotUnpluggedFirst_AndItsQemuDoesNotRefuse()
    {
        var (state, uuid) = ConvergedQat();
        var spec = Attached(Entry(["asym"]), "vm02", HeldPolicy.Detach);
        var qemu = new ProcessHolder(4242, "qemu-system-x86_64 -name guest=vm01,debug-threads=on", "has /dev/vfio/7 open", "vm01");

        var held = Held(state, uuid, Running("vm01"), ShutOff("vm02"));

        var plan = Planner.Plan(spec, held with { Holders = new DeviceHolders([.. held.Holders.Devices, new HeldDevice(uuid, null, qemu)], []) });

        var detach = Assert.Single(plan.Steps, s => s.Operation is DetachVdevFromVm);
        var attach = Assert.Single(plan.Steps, s => s.Operation is AttachVdevToVm);
        Assert.Equal(("vm01", DomainChangeScope.Config | DomainChangeScope.Live), (((DetachVdevFromVm)detach.Operation).Domain, ((DetachVdevFromVm)detach.Operation).Scope));
        Assert.Equal("vm02", ((AttachVdevToVm)attach.Operation).Domain);
        Assert.True(detach.Id < attach.Id);
        Assert.Equal(Disruption.DeviceReset, detach.Disruption);
        Assert.Contains("hot-unplugged from the running guest before it goes to VM vm02", detach.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void VdevAHandStartedQemuHolds_GivenToAVm_IsRefusedEvenUnderOnHeldDetach()
    {
        var (state, uuid) = ConvergedQat();
        var spec = Attached(Entry(["asym"]), "vm02", HeldPolicy.Detach);
        var qemu = new ProcessHolder(777, $"qemu-system-x86_64 -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/{uuid:D}", "names it with sysfsdev=");
        var observed = Held(state, uuid, ShutOff("vm02")) with { Holders = new DeviceHolders([new HeldDevice(uuid, null, qemu)], []) };

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, observed));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Contains("process 777 (names it with sysfsdev=)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("stop process 777", diagnostic.Hint, StringComparison.Ordinal);
    }

    private static (HostState State, Guid Uuid) ConvergedQat()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        Converge(sim, Specs.Host("spr-node-01", Entry(["asym"])));
        var state = Observe(sim);
        return (state, state.Ledger.Entries.Single(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == Asym0).Uuid!.Value);
    }

    private static DeviceSpec Entry(string[] services) => Siov("qat", Pci(Qat0), services, ("asym", 2));

    private static HostSpec Reconfigured(string vm, HeldPolicy onHeld) => Attached(Entry(["asym", "dc"]), vm, onHeld);

    private static HostSpec Attached(DeviceSpec entry, string vm, HeldPolicy onHeld) =>
        Specs.Host("spr-node-01", entry) with
        {
            Attachments = [new AttachmentSpec([new VdevName("qat", 0, "asym", 0)], new VmTarget(vm, Uri, Live: true), null) { OnHeld = onHeld }],
        };

    /// <summary>The domains as libvirt shows them, each running one holding <paramref name="uuid"/> (config and live), and their holders.</summary>
    private static HostState Held(HostState state, Guid uuid, params DomainObservation[] domains) =>
        state with
        {
            Domains = [.. domains.Select(d => d.Active ? d with { Config = new DomainHostdevs([uuid], []), Live = new DomainHostdevs([uuid], []) } : d)],
            Holders = new DeviceHolders(
                [.. domains.Where(d => d.Active).Select(d => new HeldDevice(uuid, null, new DomainHolder(Uri, d.Name, true, true, true, AttachedByEngine: false)))],
                ImmutableArray<string>.Empty),
        };

    private static DomainObservation Running(string name) => new(Uri, name, DomainStatus.Found, true, DomainHostdevs.Empty, DomainHostdevs.Empty);

    private static DomainObservation ShutOff(string name) => new(Uri, name, DomainStatus.Found, false, DomainHostdevs.Empty, DomainHostdevs.Empty);
}
