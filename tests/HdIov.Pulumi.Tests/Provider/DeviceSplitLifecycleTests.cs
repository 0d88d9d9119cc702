using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Provider;

/// <summary>The engine's call sequences for a DeviceSplit (preview, up, refresh, update, destroy, import) against a simulated host.</summary>
[Trait("Category", "Pulumi")]
public sealed class DeviceSplitLifecycleTests
{
    private const string Type = "hdiov:index:DeviceSplit";

    internal static PropertyMap Serial(int single) => Bag.Of(
        ("name", "serial"),
        ("select", Bag.Of(("parent", "mtty"))),
        ("mode", "siov"),
        ("vdevs", Bag.Of(("mtty-1", single))));

    [Fact]
    public async Task DeviceSplit_PreviewUpRefreshUpdateDestroy_ChangesTheHostOnlyOutsidePreview()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var client = provider.Client;
        var urn = Urns.Of(Type, "serial");

        var checkedInputs = (await client.CheckAsync(new CheckRequest { Urn = urn, Type = Type, Olds = new Struct(), News = StructCodec.Encode(Serial(2)) })).Inputs;
        var preview = await client.CreateAsync(new CreateRequest { Urn = urn, Type = Type, Properties = checkedInputs, Preview = true });

        Assert.Empty(Observe(sim).Mdevs);
        var planned = Bag.Items(StructCodec.Decode(preview.Properties), "virtualDevices");
        Assert.Equal(2, planned.Count);
        Assert.Equal(PropertyValue.From(VdevIdentity.UuidFor("node-a", new VdevName("serial", 0, "mtty-1", 0)).ToString("D")), Bag.At(((ObjectValue)planned[0]).Map, "uuid"));
        Assert.True(Bag.At(((ObjectValue)planned[0]).Map, "iommuGroup").IsUnknown);

        var created = await client.CreateAsync(new CreateRequest { Urn = urn, Type = Type, Properties = checkedInputs });

        Assert.Equal("serial", created.Id);
        var state = Observe(sim);
        Assert.Equal(2, state.Mdevs.Length);
        Assert.Equal(2, state.Ledger.Entries.Count(e => e.VdevName?.StartsWith("serial/0/mtty-1/", StringComparison.Ordinal) == true));
        var outputs = StructCodec.Decode(created.Properties);
        Assert.DoesNotContain(outputs.Values, v => v.ContainsUnknown);
        Assert.Equal(state.Mdevs.Select(m => m.Uuid.ToString("D")).Order(), Bag.Items(outputs, "virtualDevices").Select(v => ((HdIov.Pulumi.Values.StringValue)Bag.At(((ObjectValue)v).Map, "uuid")).Value).Order());

        var read = await client.ReadAsync(new ReadRequest { Id = created.Id, Urn = urn, Type = Type, Properties = created.Properties, Inputs = checkedInputs });
        Assert.Equal("serial", read.Id);
        var same = await client.DiffAsync(new DiffRequest { Id = created.Id, Urn = urn, Type = Type, Olds = created.Properties, News = checkedInputs, OldInputs = read.Inputs });
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, same.Changes);

        var grown = (await client.CheckAsync(new CheckRequest { Urn = urn, Type = Type, Olds = checkedInputs, News = StructCodec.Encode(Serial(3)) })).Inputs;
        var diff = await client.DiffAsync(new DiffRequest { Id = created.Id, Urn = urn, Type = Type, Olds = created.Properties, News = grown, OldInputs = checkedInputs });
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffSome, diff.Changes);
        Assert.Equal(["vdevs"], diff.Diffs);
        Assert.Empty(diff.Replaces);
        Assert.Equal(PropertyDiff.Types.Kind.Update, diff.DetailedDiff["vdevs"].Kind);
        await client.UpdateAsync(new UpdateRequest { Id = created.Id, Urn = urn, Type = Type, Olds = created.Properties, News = grown, OldInputs = checkedInputs, Preview = true });
        Assert.Equal(2, Observe(sim).Mdevs.Length);
        var updated = await client.UpdateAsync(new UpdateRequest { Id = created.Id, Urn = urn, Type = Type, Olds = created.Properties, News = grown, OldInputs = checkedInputs });
        Assert.Equal(3, Observe(sim).Mdevs.Length);

        await client.DeleteAsync(new DeleteRequest { Id = created.Id, Urn = urn, Type = Type, Properties = updated.Properties, OldInputs = grown });

        state = Observe(sim);
        Assert.Empty(state.Mdevs);
        Assert.DoesNotContain(state.Ledger.Entries, e => e.Kind == LedgerEntryKind.Mdev);
        var gone = await client.ReadAsync(new ReadRequest { Id = created.Id, Urn = urn, Type = Type, Properties = updated.Properties, Inputs = grown });
        Assert.Equal(string.Empty, gone.Id);
    }

    [Fact]
    public async Task DeviceSplit_SelectorChange_IsAReplaceThatDeletesFirst()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var olds = StructCodec.Encode(Serial(1));
        var news = StructCodec.Encode(Serial(1).With("select", Bag.Value(Bag.Of(("driver", "mtty")))));

        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = "serial", Urn = Urns.Of(Type, "serial"), Type = Type, Olds = olds, News = news, OldInputs = olds });

        Assert.Equal(["select"], diff.Replaces);
        Assert.Equal(PropertyDiff.Types.Kind.UpdateReplace, diff.DetailedDiff["select"].Kind);
        Assert.True(diff.DeleteBeforeReplace);
    }

    [Fact]
    public async Task DeviceSplit_HandRemovedVdev_ShowsInRefreshAndDiff()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var (id, outputs, inputs) = await provider.UpAsync(Type, "serial", Serial(2));
        var victim = Observe(sim).Mdevs[0].Uuid;
        sim.Host.WriteAttribute($"/sys/bus/mdev/devices/{victim:D}/remove", "1");

        var read = await provider.Client.ReadAsync(new ReadRequest { Id = id, Urn = Urns.Of(Type, "serial"), Type = Type, Properties = StructCodec.Encode(outputs), Inputs = StructCodec.Encode(inputs) });
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = id, Urn = Urns.Of(Type, "serial"), Type = Type, Olds = read.Properties, News = StructCodec.Encode(inputs), OldInputs = StructCodec.Encode(inputs) });

        Assert.Equal(PropertyValue.From(1), Bag.At(StructCodec.Decode(read.Inputs), "vdevs", "mtty-1"));
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffSome, diff.Changes);
    }

    [Fact]
    public async Task DeviceSplit_Import_ReturnsInputsThatCheckAndDiffClean()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using (var first = await ProviderUnderTest.ConfiguredAsync(sim.Root))
        {
            await first.UpAsync(Type, "serial", Serial(2));
        }

        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var urn = Urns.Of(Type, "imported");
        var read = await provider.Client.ReadAsync(new ReadRequest { Id = "serial", Urn = urn, Type = Type });

        Assert.Equal("serial", read.Id);
        Assert.NotNull(read.Inputs);
        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Type, Olds = read.Inputs, News = read.Inputs });
        Assert.Empty(check.Failures);
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = read.Id, Urn = urn, Type = Type, Olds = read.Properties, News = check.Inputs, OldInputs = read.Inputs });
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, diff.Changes);
        Assert.Equal(PropertyValue.From(2), Bag.At(StructCodec.Decode(read.Inputs), "vdevs", "mtty-1"));
    }

    [Fact]
    public async Task DeviceSplit_SriovImportByEntryName_ReturnsInputsThatCheckAndDiffClean()
    {
        using var sim = TemporarySimulatedHost.Create("icx-sriov");
        var declared = Bag.Of(("name", "e810"), ("select", Bag.Of(("vendor", "8086"), ("device", "159b"))), ("mode", "sriov"), ("vfs", Bag.Of(("count", 4), ("driver", "vfio-pci"))));
        await using (var first = await ProviderUnderTest.ConfiguredAsync(sim.Root))
        {
            await first.UpAsync(Type, "e810", declared);
        }

        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var urn = Urns.Of(Type, "imported");
        var read = await provider.Client.ReadAsync(new ReadRequest { Id = "e810", Urn = urn, Type = Type });

        Assert.Equal("e810", read.Id);
        var inputs = StructCodec.Decode(read.Inputs);
        Assert.Equal(PropertyValue.From("sriov"), inputs["mode"]);
        Assert.Equal(Bag.Of(("count", 4), ("driver", "vfio-pci")), ((ObjectValue)inputs["vfs"]).Map);
        Assert.Equal(2, Bag.Items(((ObjectValue)inputs["select"]).Map, "pciAddresses").Count);
        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Type, Olds = read.Inputs, News = read.Inputs });
        Assert.Empty(check.Failures);
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = read.Id, Urn = urn, Type = Type, Olds = read.Properties, News = check.Inputs, OldInputs = read.Inputs });
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, diff.Changes);
        Assert.Equal(8, Bag.Items(StructCodec.Decode(read.Properties), "virtualFunctions").Count);
    }

    [Fact]
    public async Task DeviceSplit_DeletingOne_LeavesTheVdevsOfAnother()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var first = Bag.Of(("name", "qat"), ("select", Bag.Of(("pciAddress", "0000:6b:00.0"))), ("mode", "siov"), ("services", new[] { "asym" }), ("vdevs", Bag.Of(("asym", 2))));
        var second = Bag.Of(("name", "qat2"), ("select", Bag.Of(("pciAddress", "0000:70:00.0"))), ("mode", "siov"), ("services", new[] { "sym" }), ("vdevs", Bag.Of(("sym", 2))));
        var (firstId, firstOutputs, firstInputs) = await provider.UpAsync(Type, "qat", first);
        await provider.UpAsync(Type, "qat2", second);
        Assert.Equal(4, Observe(sim).Mdevs.Length);

        await provider.Client.DeleteAsync(new DeleteRequest { Id = firstId, Urn = Urns.Of(Type, "qat"), Type = Type, Properties = StructCodec.Encode(firstOutputs), OldInputs = StructCodec.Encode(firstInputs) });

        var state = Observe(sim);
        Assert.Equal(["0000:70:00.0", "0000:70:00.0"], state.Mdevs.Select(m => m.Parent));
        Assert.Equal(2, state.Ledger.Entries.Count(e => e.VdevName?.StartsWith("qat2/", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task DeviceSplit_OnAParentAnotherSplitUses_IsFailedPrecondition()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync(Type, "serial", Serial(1));
        var other = Serial(1).With("name", PropertyValue.From("other"));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await provider.Client.CreateAsync(new CreateRequest { Urn = Urns.Of(Type, "other"), Type = Type, Properties = StructCodec.Encode(other) }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("'serial'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceSplit_WithoutHostName_UsesTheModulesDefaultIdentity()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.StartAsync();
        await provider.Client.ConfigureAsync(new ConfigureRequest { Args = StructCodec.Encode(Bag.Of(("hostRoot", sim.Root))), AcceptSecrets = true });

        var (_, outputs, _) = await provider.UpAsync(Type, "serial", Serial(1));

        var expected = HostNames.DefaultName(sim.Host);
        Assert.Equal(PropertyValue.From(expected), outputs["hostName"]);
        Assert.Contains(Observe(sim).Mdevs, m => m.Uuid == VdevIdentity.UuidFor(expected, new VdevName("serial", 0, "mtty-1", 0)));
    }

    internal static HostState Observe(TemporarySimulatedHost sim) => new HostObserver(sim.Host).Observe();
}
