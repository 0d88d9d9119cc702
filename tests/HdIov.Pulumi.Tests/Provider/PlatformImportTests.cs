using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Provider;

[Trait("Category", "Pulumi")]
public sealed class PlatformImportTests
{
    private const string Platform = "hdiov:index:Platform";

    [Fact]
    public async Task Platform_Import_ReadsTheConfiguredPlatform_AndDiffsClean()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync(Platform, "platform", Bag.Of(
            ("iommu", Bag.Of(("mode", "scalable"), ("passthrough", true))),
            ("kernelArgs", new[] { "hugepagesz=2M" }),
            ("hugepages", PropertyValue.From([Bag.Value(Bag.Of(("size", "2Mi"), ("perNode", 64)))]))));
        var urn = Urns.Of(Platform, "platform");

        var imported = await provider.Client.ReadAsync(new ReadRequest { Id = "node-a", Urn = urn, Type = Platform });

        var inputs = StructCodec.Decode(imported.Inputs);
        Assert.Equal("node-a", imported.Id);
        Assert.Equal(Bag.Of(("mode", "scalable"), ("passthrough", true)), ((ObjectValue)inputs["iommu"]).Map);
        Assert.Contains(PropertyValue.From("hugepagesz=2M"), Bag.Items(inputs, "kernelArgs"));
        Assert.DoesNotContain(Bag.Items(inputs, "kernelArgs"), a => ((StringValue)a).Value.StartsWith("intel_iommu", StringComparison.Ordinal));
        Assert.Equal([Bag.Value(Bag.Of(("size", "2Mi"), ("perNode", 64)))], Bag.Items(inputs, "hugepages"));
        Assert.Equal(PropertyValue.From("Enabled"), Bag.At(inputs, "bios", "attributes", "PcieEnqCmdSupport"));
        Assert.Equal(PropertyValue.From("firmware-attributes"), Bag.At(inputs, "bios", "source"));

        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Platform, Name = "platform", News = imported.Inputs });
        Assert.Empty(check.Failures);
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = imported.Id, Urn = urn, Type = Platform, OldInputs = imported.Inputs, Olds = imported.Properties, News = check.Inputs });
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, diff.Changes);
    }

    [Fact]
    public async Task Platform_Import_OfAnUntouchedHost_DiffsClean()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var urn = Urns.Of(Platform, "platform");

        var imported = await provider.Client.ReadAsync(new ReadRequest { Id = "node-a", Urn = urn, Type = Platform });
        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Platform, Name = "platform", News = imported.Inputs });
        var diff = await provider.Client.DiffAsync(new DiffRequest { Id = imported.Id, Urn = urn, Type = Platform, OldInputs = imported.Inputs, Olds = imported.Properties, News = check.Inputs });

        Assert.Equal(Bag.Of(("kernelArgs", new[] { "console=ttyS0" }), ("iommu", Bag.Of(("mode", "scalable")))), StructCodec.Decode(imported.Inputs));
        Assert.Empty(check.Failures);
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, diff.Changes);
    }
}
