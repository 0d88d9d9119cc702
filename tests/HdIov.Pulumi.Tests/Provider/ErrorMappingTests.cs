using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HdIov.Engine.Interop;
using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

/// <summary>Failures reach the engine as statuses that say whether anything changed, never as Unknown.</summary>
[Trait("Category", "Pulumi")]
public sealed class ErrorMappingTests
{
    private const string Type = "hdiov:index:DeviceSplit";

    private static readonly PropertyMap BadAddress = Bag.Of(
        ("name", "qat"), ("select", Bag.Of(("pciAddress", "0000:zz:00.0"))), ("mode", "siov"), ("vdevs", Bag.Of(("asym", 1))));

    [Fact]
    public async Task Check_BadPciAddress_IsAFailureAtThePropertyPath()
    {
        await using var provider = await ProviderUnderTest.StartAsync();

        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = Urns.Of(Type, "qat"), Type = Type, Olds = new Struct(), News = StructCodec.Encode(BadAddress) });

        var failure = Assert.Single(check.Failures);
        Assert.Equal("select.pciAddress", failure.Property);
        Assert.StartsWith("HDIOV1009", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BadInput_IsInvalidArgumentWithTheDiagnosticLocation_AndChangesNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.CreateAsync(new CreateRequest { Urn = Urns.Of(Type, "qat"), Type = Type, Properties = StructCodec.Encode(BadAddress) }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("HDIOV1009", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("[select.pciAddress]", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, sim.Host.WriteCount);
    }

    [Fact]
    public async Task Create_MoreThanTheParentHolds_IsFailedPreconditionInPreviewAndUp_AndChangesNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var tooMany = StructCodec.Encode(Serial(4000));

        foreach (var preview in new[] { true, false })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await provider.Client.CreateAsync(new CreateRequest { Urn = Urns.Of(Type, "serial"), Type = Type, Properties = tooMany, Preview = preview }));

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains("HDIOV2002", error.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Empty(Observe(sim).Mdevs);
    }

    [Fact]
    public async Task Create_FailingPartWay_ReturnsWhatWasMadeAsResourceInitFailed()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        sim.Host.InjectFault(new SimulatedFault(AtWrite: 6, Errno.EIO));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.CreateAsync(new CreateRequest { Urn = Urns.Of(Type, "serial"), Type = Type, Properties = StructCodec.Encode(Serial(4)) }));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        var trailer = error.Trailers.GetValueBytes("grpc-status-details-bin");
        Assert.NotNull(trailer);
        var status = HdIov.Pulumi.Rpc.Status.Parser.ParseFrom(trailer);
        Assert.Equal((int)StatusCode.Aborted, status.Code);
        var detail = Assert.Single(status.Details).Unpack<ErrorResourceInitFailed>();
        Assert.Equal("serial", detail.Id);
        Assert.NotEmpty(detail.Reasons);
        var made = Bag.Items(StructCodec.Decode(detail.Properties), "virtualDevices");
        var owned = Observe(sim).Ledger.Entries.Count(e => e.VdevName?.StartsWith("serial/", StringComparison.Ordinal) == true);
        Assert.InRange(made.Count, 1, 3);
        Assert.Equal(owned, made.Count);
        Assert.Equal(Serial(4), StructCodec.Decode(detail.Inputs));
    }

    [Fact]
    public async Task Create_BeforeConfigure_IsFailedPrecondition()
    {
        await using var provider = await ProviderUnderTest.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.CreateAsync(new CreateRequest { Urn = Urns.Of(Type, "serial"), Type = Type, Properties = StructCodec.Encode(Serial(1)) }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task CheckConfig_StringTypedConfigAndVersion_PassThrough_AndBadKeysAreFailures()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var news = Bag.Of(("hostRoot", "relative/path"), ("version", "0.1.0"), ("colour", "blue"));

        var check = await provider.Client.CheckConfigAsync(new CheckRequest { Urn = Urns.Provider, News = StructCodec.Encode(news) });

        Assert.Equal(news, StructCodec.Decode(check.Inputs));
        Assert.Equal(["colour", "hostRoot"], check.Failures.Select(f => f.Property).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cancel_StopsTheProviderProcessPromptly()
    {
        await using var provider = await ProviderUnderTest.StartAsync();

        await provider.Client.CancelAsync(new Empty());

        var stopped = provider.Host.WaitForShutdownAsync();
        Assert.Same(stopped, await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(5))));
    }
}
