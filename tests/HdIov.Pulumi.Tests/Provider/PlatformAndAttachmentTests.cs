using HdIov.Engine.Attachments;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

[Trait("Category", "Pulumi")]
public sealed class PlatformAndAttachmentTests
{
    private const string Platform = "hdiov:index:Platform";
    private const string Attachment = "hdiov:index:Attachment";

    [Fact]
    public async Task Attachment_Containers_ShareTheCdiSpec_AndDeletingOneKeepsTheOther()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(2));
        var first = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("container", Bag.Of(("cdi", true))));
        var second = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/1" }), ("container", Bag.Of(("cdi", true))));

        var (firstId, firstOutputs, firstInputs) = await provider.UpAsync(Attachment, "a", first);
        var (secondId, secondOutputs, _) = await provider.UpAsync(Attachment, "b", second);

        Assert.Equal(["serial/0/mtty-1/0", "serial/0/mtty-1/1"], CdiSpecDocument.Parse(Observe(sim).Platform.CdiSpec).Select(d => d.VdevName).Order(StringComparer.Ordinal));
        Assert.Equal([PropertyValue.From("hdiov.dev/vdev=serial_0_mtty-1_1")], Bag.Items(secondOutputs, "cdiDevices"));
        Assert.Equal("container:serial/0/mtty-1/1", secondId);

        await provider.Client.DeleteAsync(new DeleteRequest { Id = firstId, Urn = Urns.Of(Attachment, "a"), Type = Attachment, Properties = StructCodec.Encode(firstOutputs), OldInputs = StructCodec.Encode(firstInputs) });

        Assert.Equal(["serial/0/mtty-1/1"], CdiSpecDocument.Parse(Observe(sim).Platform.CdiSpec).Select(d => d.VdevName));
        var gone = await provider.Client.ReadAsync(new ReadRequest { Id = firstId, Urn = Urns.Of(Attachment, "a"), Type = Attachment, Inputs = StructCodec.Encode(firstInputs), Properties = StructCodec.Encode(firstOutputs) });
        Assert.Equal(string.Empty, gone.Id);
        var imported = await provider.Client.ReadAsync(new ReadRequest { Id = secondId, Urn = Urns.Of(Attachment, "b"), Type = Attachment });
        Assert.Equal(second, StructCodec.Decode(imported.Inputs));
    }
}
