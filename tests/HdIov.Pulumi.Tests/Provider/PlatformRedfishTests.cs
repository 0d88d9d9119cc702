using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using HdIov.Testing.Redfish;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

[Trait("Category", "Pulumi")]
[Trait("Category", "Redfish")]
public sealed class PlatformRedfishTests
{
    private const string Platform = "hdiov:index:Platform";

    [Fact]
    public async Task Platform_RedfishBios_PreviewChangesNothing_CreateWritesPendingSettings_RefreshReportsThemUntilReset()
    {
        using var bmc = RedfishEmulator.Start(new RedfishEmulatorOptions { Password = "correct-horse-battery" });
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var urn = Urns.Of(Platform, "platform");
        var news = Inputs(bmc, bmc.Options.Password, ("kernelArgs", new[] { "hugepagesz=2M" }));

        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Platform, Name = "platform", Olds = new Struct(), News = StructCodec.Encode(news) });
        var preview = await provider.Client.CreateAsync(new CreateRequest { Urn = urn, Type = Platform, Properties = check.Inputs, Preview = true });

        Assert.Empty(check.Failures);
        Assert.DoesNotContain(bmc.Requests, r => r.Method == "PATCH");
        Assert.Contains(Texts(StructCodec.Decode(preview.Properties), "pendingReboot"), p => p.Contains("VTdSupport 0x0 -> 0x1 through Redfish", StringComparison.Ordinal));

        var created = await provider.Client.CreateAsync(new CreateRequest { Urn = urn, Type = Platform, Properties = check.Inputs });
        var outputs = StructCodec.Decode(created.Properties);

        var patch = Assert.Single(bmc.Requests, r => r.Method == "PATCH");
        Assert.Contains("\"VTdSupport\":\"0x1\"", patch.Body, StringComparison.Ordinal);
        Assert.Equal(("0x0", "0x1"), (bmc.CurrentAttributes()["VTdSupport"], bmc.PendingAttributes()["VTdSupport"]));
        Assert.Contains(Texts(outputs, "pendingReboot"), p => p.Contains("VTdSupport 0x0 -> 0x1 is pending", StringComparison.Ordinal));
        Assert.IsType<SecretValue>(Bag.At(StructCodec.Decode(check.Inputs), "bios", "redfish", "password"));
        Assert.IsType<SecretValue>(Bag.At(outputs, "bios", "redfish", "password"));
        Assert.DoesNotContain(bmc.Options.Password, StructCodec.Encode(outputs.Without("bios")).ToString(), StringComparison.Ordinal);

        var refreshed = await provider.Client.ReadAsync(new ReadRequest { Id = created.Id, Urn = urn, Type = Platform, Properties = created.Properties, Inputs = check.Inputs });
        Assert.Contains(Texts(StructCodec.Decode(refreshed.Properties), "pendingReboot"), p => p.StartsWith("BIOS ", StringComparison.Ordinal));

        bmc.Reset();
        var afterReset = await provider.Client.ReadAsync(new ReadRequest { Id = created.Id, Urn = urn, Type = Platform, Properties = refreshed.Properties, Inputs = check.Inputs });

        Assert.DoesNotContain(Texts(StructCodec.Decode(afterReset.Properties), "pendingReboot"), p => p.StartsWith("BIOS ", StringComparison.Ordinal));
        Assert.Single(bmc.Requests, r => r.Method == "PATCH");
        Assert.Contains("hugepagesz=2M", Observe(sim).Platform.BootCommandLine, StringComparison.Ordinal);
        Assert.DoesNotContain(bmc.Options.Password, provider.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Platform_RedfishWrongPassword_FailsNamingTheStatusAndFix_WithoutThePassword_AndChangesNothing()
    {
        using var bmc = RedfishEmulator.Start();
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var urn = Urns.Of(Platform, "platform");
        const string wrong = "not-the-bmc-Password-7";
        var check = await provider.Client.CheckAsync(new CheckRequest { Urn = urn, Type = Platform, Name = "platform", Olds = new Struct(), News = StructCodec.Encode(Inputs(bmc, wrong)) });

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.CreateAsync(new CreateRequest { Urn = urn, Type = Platform, Properties = check.Inputs }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("401", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("bmcPassword", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, provider.Log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(bmc.Requests, r => r.Method == "PATCH");
    }

    private static PropertyMap Inputs(RedfishEmulator bmc, string password, params (string Key, object Value)[] more)
    {
        var redfish = Bag.Of(
            ("endpoint", bmc.Endpoint.GetLeftPart(UriPartial.Authority)),
            ("caCertificate", bmc.CaCertificateFile),
            ("username", bmc.Options.UserName),
            ("password", password));
        var bios = Bag.Of(("source", "redfish"), ("settings", Bag.Of(("vtd", "enabled"), ("virtualization", "enabled"))), ("redfish", redfish));
        return Bag.Of([("bios", bios), .. more]);
    }

    private static IEnumerable<string> Texts(PropertyMap outputs, string key) =>
        Bag.Items(outputs, key).Select(v => ((HdIov.Pulumi.Values.StringValue)v.Reveal()).Value);
}
