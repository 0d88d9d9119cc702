using Grpc.Core;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using StringValue = HdIov.Pulumi.Values.StringValue;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

/// <summary>
/// An Attachment's <c>onHeld</c> against a real libvirtd: a VDEV another domain holds is not given to the attachment's
/// VM unless the attachment says <c>detach</c>, and then that domain lets go of it first.
/// </summary>
[Trait("Category", "Pulumi")]
[Trait("Category", "Libvirt")]
public sealed class AttachmentOnHeldTests(PrivateLibvirtd libvirtd) : IClassFixture<PrivateLibvirtd>
{
    private const string Attachment = "hdiov:index:Attachment";

    [Fact]
    public async Task Attachment_VdevAnotherDomainHolds_IsRefused_AndUnderOnHeldDetachIsTakenFromIt()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        File.WriteAllText(Path.Combine(sim.Root, ".hdiov-sim", "libvirt.json"), $$"""{ "uris": { "qemu:///system": "{{libvirtd.Uri}}" } }""");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync("hdiov:index:DeviceSplit", "serial", Serial(1));
        var first = libvirtd.DefineDomain("first-" + Guid.NewGuid().ToString("N")[..8]);
        var second = libvirtd.DefineDomain("second-" + Guid.NewGuid().ToString("N")[..8]);
        var (_, outputs, _) = await provider.UpAsync(Attachment, "a", Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", first)))));
        var uuid = ((StringValue)Bag.At(outputs, "virtualDevices", 0, "uuid")).Value;
        var refuse = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", second))));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.CreateAsync(new CreateRequest { Urn = Urns.Of(Attachment, "b"), Type = Attachment, Properties = StructCodec.Encode(refuse) }));

        Assert.Contains("HDIOV2023", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"VM {first} at qemu:///system (shut off) holds it", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(uuid, libvirtd.DumpXml(first), StringComparison.Ordinal);
        Assert.DoesNotContain(uuid, libvirtd.DumpXml(second), StringComparison.Ordinal);

        await provider.UpAsync(Attachment, "b", refuse.With("onHeld", PropertyValue.From("detach")));

        Assert.DoesNotContain(uuid, libvirtd.DumpXml(first), StringComparison.Ordinal);
        Assert.Contains(uuid, libvirtd.DumpXml(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownOnHeld_FailsAtTheInput()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var news = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("vm", Bag.Of(("name", "vm01"))), ("onHeld", "detatch"));

        var checkedInputs = await provider.Client.CheckAsync(new CheckRequest { Urn = Urns.Of(Attachment, "a"), Type = Attachment, Name = "a", News = StructCodec.Encode(news) });

        var failure = Assert.Single(checkedInputs.Failures);
        Assert.Equal("onHeld", failure.Property);
        Assert.Contains("refuse (the default) or detach", failure.Reason, StringComparison.Ordinal);
    }
}
