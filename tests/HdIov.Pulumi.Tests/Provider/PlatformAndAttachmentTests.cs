using HdIov.Engine.Attachments;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

public sealed class PlatformAndAttachmentTests
{
    private const string Platform = "hdiov:index:Platform";
    private const string Attachment = "hdiov:index:Attachment";
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task Platform_RedfishPassword_StaysSecretInOutputs_AndNeverReachesTheLog()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var news = Bag.Of(
            ("bios", Bag.Of(("source", "redfish"), ("settings", Bag.Of(("vtd", "enabled"))), ("redfish", Bag.Of(("endpoint", "https://bmc.example/"), ("username", "admin"), ("password", Password))))),
            ("kernelArgs", new[] { "hugepagesz=2M" }));

        var (id, outputs, inputs) = await provider.UpAsync(Platform, "platform", news);

        Assert.Equal("node-a", id);
        Assert.IsType<SecretValue>(Bag.At(inputs, "bios", "redfish", "password"));
        Assert.IsType<SecretValue>(Bag.At(outputs, "bios", "redfish", "password"));
        Assert.DoesNotContain(Password, StructCodec.Encode(outputs.Without("bios")).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, provider.Log.ToString(), StringComparison.Ordinal);
        Assert.Contains("hugepagesz=2M", ((HdIov.Pulumi.Values.StringValue)outputs["bootLoaderArguments"]).Value, StringComparison.Ordinal);
        Assert.NotEmpty(Bag.Items(outputs, "pendingReboot"));
        Assert.Contains("hugepagesz=2M", Observe(sim).Platform.GrubCommandLine, StringComparison.Ordinal);
    }

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
