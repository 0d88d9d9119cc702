using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HdIov.Engine.Discovery;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using StringValue = HdIov.Pulumi.Values.StringValue;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

/// <summary>
/// VM attachments against a real libvirtd (QEMU driver, session mode, private to this class) that a simulated host's
/// libvirt map names for <c>qemu:///system</c>; the domains' XML is read back with virsh.
/// </summary>
[Trait("Category", "Pulumi")]
[Trait("Category", "Libvirt")]
public sealed class VmAttachmentTests(PrivateLibvirtd libvirtd) : IClassFixture<PrivateLibvirtd>
{
    private const string Attachment = "hdiov:index:Attachment";
    private const string Foreign = "11111111-2222-3333-4444-555555555555";
    private const string ForeignHostdev = $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{Foreign}'/></source></hostdev>";

    [Fact]
    public async Task Attachment_Vm_CreateRefreshImportDelete_ChangesOnlyItsHostdevs()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(2));
        var vm = libvirtd.DefineDomain("pulumi-" + Guid.NewGuid().ToString("N")[..8], ForeignHostdev);
        var news = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm))));

        var (id, outputs, inputs) = await provider.UpAsync(Attachment, "vm", news);

        var uuid = ((StringValue)Bag.At(outputs, "virtualDevices", 0, "uuid")).Value;
        var xml = libvirtd.DumpXml(vm);
        Assert.Equal($"vm:{vm}:serial/0/mtty-1/0@qemu:///system", id);
        Assert.Matches($"<hostdev mode='subsystem' type='mdev'[^>]*>\\s*<source>\\s*<address uuid='{uuid}'/>", xml);
        Assert.Contains(Foreign, xml, StringComparison.Ordinal);
        Assert.Empty(Bag.Items(outputs, "cdiDevices"));
        Assert.Empty(Bag.Items(outputs, "pendingVmRestart"));
        Assert.Single(Observe(sim).Ledger.Attachments, e => e.Kind == LedgerEntryKind.VmAttachment);

        var urn = Urns.Of(Attachment, "vm");
        var refreshed = await provider.Client.ReadAsync(new ReadRequest { Id = id, Urn = urn, Type = Attachment, Inputs = StructCodec.Encode(inputs), Properties = StructCodec.Encode(outputs) });
        Assert.Equal(id, refreshed.Id);
        Assert.Equal(inputs, StructCodec.Decode(refreshed.Inputs));
        var imported = await provider.Client.ReadAsync(new ReadRequest { Id = id, Urn = urn, Type = Attachment });
        Assert.Equal(news, StructCodec.Decode(imported.Inputs));
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = id, Urn = urn, Type = Attachment, OldInputs = imported.Inputs, Olds = imported.Properties, News = StructCodec.Encode(inputs) });
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, diff.Changes);

        await provider.Client.DeleteAsync(new DeleteRequest { Id = id, Urn = urn, Type = Attachment, Properties = StructCodec.Encode(outputs), OldInputs = StructCodec.Encode(inputs) });

        var after = libvirtd.DumpXml(vm);
        Assert.DoesNotContain(uuid, after, StringComparison.Ordinal);
        Assert.Contains(Foreign, after, StringComparison.Ordinal);
        Assert.DoesNotContain(Observe(sim).Ledger.Attachments, e => e.Kind == LedgerEntryKind.VmAttachment);
        var gone = await provider.Client.ReadAsync(new ReadRequest { Id = id, Urn = urn, Type = Attachment, Inputs = StructCodec.Encode(inputs), Properties = StructCodec.Encode(outputs) });
        Assert.Equal(string.Empty, gone.Id);
    }

    [Fact]
    public async Task Attachment_Vm_RemovedByHand_RefreshesAsGone_AndDiffOfTheSameInputsIsAnUpdate()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(1));
        var vm = libvirtd.DefineDomain("hand-" + Guid.NewGuid().ToString("N")[..8]);
        var (id, outputs, inputs) = await provider.UpAsync(Attachment, "vm", Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm)))));
        var uuid = ((StringValue)Bag.At(outputs, "virtualDevices", 0, "uuid")).Value;
        var hostdev = $"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{uuid}'/></source></hostdev>";
        var file = Path.Combine(sim.Root, "..", $"hostdev-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, hostdev);
        try
        {
            Assert.Equal(0, libvirtd.Virsh("detach-device", vm, file, "--config").ExitCode);
        }
        finally
        {
            File.Delete(file);
        }

        var urn = Urns.Of(Attachment, "vm");
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = id, Urn = urn, Type = Attachment, OldInputs = StructCodec.Encode(inputs), Olds = StructCodec.Encode(outputs), News = StructCodec.Encode(inputs) });
        var read = await provider.Client.ReadAsync(new ReadRequest { Id = id, Urn = urn, Type = Attachment, Inputs = StructCodec.Encode(inputs), Properties = StructCodec.Encode(outputs) });

        Assert.Equal(DiffResponse.Types.DiffChanges.DiffSome, diff.Changes);
        Assert.Empty(diff.Replaces);
        Assert.Equal(string.Empty, read.Id);
    }

    [Fact]
    public async Task Attachment_Vm_DeletingOneOfTwoOnTheSameDomain_KeepsTheOther()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(2));
        var vm = libvirtd.DefineDomain("two-" + Guid.NewGuid().ToString("N")[..8]);
        var (firstId, firstOutputs, firstInputs) = await provider.UpAsync(Attachment, "a", Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm)))));
        var (_, secondOutputs, _) = await provider.UpAsync(Attachment, "b", Bag.Of(("vdevs", new[] { "serial/0/mtty-1/1" }), ("vm", Bag.Of(("name", vm)))));

        await provider.Client.DeleteAsync(new DeleteRequest { Id = firstId, Urn = Urns.Of(Attachment, "a"), Type = Attachment, Properties = StructCodec.Encode(firstOutputs), OldInputs = StructCodec.Encode(firstInputs) });

        var xml = libvirtd.DumpXml(vm);
        Assert.DoesNotContain(((StringValue)Bag.At(firstOutputs, "virtualDevices", 0, "uuid")).Value, xml, StringComparison.Ordinal);
        Assert.Contains(((StringValue)Bag.At(secondOutputs, "virtualDevices", 0, "uuid")).Value, xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attachment_Vm_AnotherDomainReplaces_LiveAloneUpdatesInPlace()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var urn = Urns.Of(Attachment, "vm");
        var olds = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", "vm01"))));

        async Task<DiffResponse> DiffTo(PropertyMap news) =>
            await provider.Client.DiffAsync(new DiffRequest { Id = "x", Urn = urn, Type = Attachment, OldInputs = StructCodec.Encode(olds), Olds = new Struct(), News = StructCodec.Encode(news) });

        var renamed = await DiffTo(olds.With("vm", Bag.Value(Bag.Of(("name", "vm02")))));
        var otherUri = await DiffTo(olds.With("vm", Bag.Value(Bag.Of(("name", "vm01"), ("uri", "qemu+ssh://root@node-b/system")))));
        var sameUriSpelledOut = await DiffTo(olds.With("vm", Bag.Value(Bag.Of(("name", "vm01"), ("uri", "qemu:///system")))));
        var notLive = await DiffTo(olds.With("vm", Bag.Value(Bag.Of(("name", "vm01"), ("live", false)))));

        Assert.Equal(["vm"], renamed.Replaces);
        Assert.Equal(PropertyDiff.Types.Kind.UpdateReplace, renamed.DetailedDiff["vm"].Kind);
        Assert.Equal(["vm"], otherUri.Replaces);
        Assert.Empty(sameUriSpelledOut.Replaces);
        Assert.Empty(notLive.Replaces);
        Assert.Equal(PropertyDiff.Types.Kind.Update, notLive.DetailedDiff["vm"].Kind);
    }

    [Fact]
    public async Task Attachment_NotLiveOnARunningDomain_ReportsThePendingVmRestart()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(1));
        var vm = libvirtd.DefineDomain("run-" + Guid.NewGuid().ToString("N")[..8]);
        var started = libvirtd.Virsh("start", vm);
        Assert.True(started.ExitCode == 0, started.Output);
        try
        {
            var (_, outputs, inputs) = await provider.UpAsync(Attachment, "vm", Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm), ("live", false)))));

            var uuid = ((StringValue)Bag.At(outputs, "virtualDevices", 0, "uuid")).Value;
            Assert.Contains(uuid, libvirtd.DumpXml(vm, inactive: true), StringComparison.Ordinal);
            Assert.DoesNotContain(uuid, libvirtd.DumpXml(vm, inactive: false), StringComparison.Ordinal);
            var pending = Assert.Single(Bag.Items(outputs, "pendingVmRestart"));
            Assert.Contains("restarts", ((StringValue)pending).Value, StringComparison.Ordinal);
            Assert.Contains("when it restarts", provider.Log.ToString(), StringComparison.Ordinal);
            var read = await provider.Client.ReadAsync(new ReadRequest { Id = "vm", Urn = Urns.Of(Attachment, "vm"), Type = Attachment, Inputs = StructCodec.Encode(inputs), Properties = StructCodec.Encode(outputs) });
            Assert.Single(Bag.Items(StructCodec.Decode(read.Properties), "pendingVmRestart"));
        }
        finally
        {
            libvirtd.Virsh("destroy", vm);
        }
    }

    [Fact]
    public async Task Attachment_Vm_GuestIommuAdd_StaysWhileAnotherAttachmentAsks_AndDeleteGivesTheDefinitionBack()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(2));
        var vm = libvirtd.DefineDomain("iommu-" + Guid.NewGuid().ToString("N")[..8], machine: "q35");
        var original = libvirtd.DumpXml(vm);
        var firstNews = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm), ("guestIommu", "add"))));
        var (firstId, firstOutputs, firstInputs) = await provider.UpAsync(Attachment, "a", firstNews);
        var (secondId, secondOutputs, secondInputs) = await provider.UpAsync(Attachment, "b", Bag.Of(("vdevs", new[] { "serial/0/mtty-1/1" }), ("vm", Bag.Of(("name", vm), ("guestIommu", "add")))));

        Assert.True(Engine.Attachments.GuestIommu.Parse(libvirtd.DumpXml(vm)).Complete);
        Assert.Equal(["serial/0/mtty-1/0", "serial/0/mtty-1/1"], Assert.Single(Observe(sim).Ledger.GuestIommus).GuestIommu!.Vdevs);
        var imported = await provider.Client.ReadAsync(new ReadRequest { Id = firstId, Urn = Urns.Of(Attachment, "a"), Type = Attachment });
        Assert.Equal(firstNews, StructCodec.Decode(imported.Inputs));

        await provider.Client.DeleteAsync(new DeleteRequest { Id = firstId, Urn = Urns.Of(Attachment, "a"), Type = Attachment, Properties = StructCodec.Encode(firstOutputs), OldInputs = StructCodec.Encode(firstInputs) });

        Assert.True(Engine.Attachments.GuestIommu.Parse(libvirtd.DumpXml(vm)).Complete);
        Assert.Equal(["serial/0/mtty-1/1"], Assert.Single(Observe(sim).Ledger.GuestIommus).GuestIommu!.Vdevs);

        await provider.Client.DeleteAsync(new DeleteRequest { Id = secondId, Urn = Urns.Of(Attachment, "b"), Type = Attachment, Properties = StructCodec.Encode(secondOutputs), OldInputs = StructCodec.Encode(secondInputs) });

        Assert.Empty(Observe(sim).Ledger.GuestIommus);
        Assert.Equal(StripHostdevs(original), StripHostdevs(libvirtd.DumpXml(vm)));
    }

    [Fact]
    public async Task Attachment_Vm_GuestIommu_BadValueFailsCheck_AndANonQ35DomainIsRefusedUnchanged()
    {
        using var sim = MappedHost();
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(1));
        var vm = libvirtd.DefineDomain("pc-" + Guid.NewGuid().ToString("N")[..8]);
        var urn = Urns.Of(Attachment, "pc");

        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Attachment, Olds = new Struct(), News = StructCodec.Encode(Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm), ("guestIommu", "yes"))))) });

        var failure = Assert.Single(check.Failures);
        Assert.Equal("vm.guestIommu", failure.Property);
        Assert.StartsWith("HDIOV1006", failure.Reason, StringComparison.Ordinal);

        var before = libvirtd.DumpXml(vm);
        var news = StructCodec.Encode(Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", vm), ("guestIommu", "add")))));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await provider.Client.CreateAsync(new CreateRequest { Urn = urn, Type = Attachment, Properties = news }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("HDIOV2025", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("q35", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, libvirtd.DumpXml(vm));
    }

    private static string StripHostdevs(string xml) =>
        System.Text.RegularExpressions.Regex.Replace(xml, "<controller type='pci'[^>]*/>\\s*|<controller type='pci'[\\s\\S]*?</controller>\\s*|<hostdev[\\s\\S]*?</hostdev>\\s*", string.Empty);

    private TemporarySimulatedHost MappedHost()
    {
        var sim = TemporarySimulatedHost.Create("mtty-lab");
        File.WriteAllText(Path.Combine(sim.Root, ".hdiov-sim", "libvirt.json"), $$"""{ "uris": { "qemu:///system": "{{libvirtd.Uri}}" } }""");
        return sim;
    }
}
