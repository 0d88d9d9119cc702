using Grpc.Core;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Connection;

/// <summary>Config <c>connection</c> through CheckConfig and Configure: every field checked, the private key kept secret.</summary>
[Trait("Category", "Pulumi")]
public sealed class ConnectionConfigTests
{
    /// <summary>Looks like a key file and is none: CheckConfig reads only its shape, and no test connects with it.</summary>
    public const string PrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAnot-a-real-key-but-a-secret-marker-7f3a\n-----END OPENSSH PRIVATE KEY-----\n";

    private const string HostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZ0cXf6mUpYjCG8cXyTbJ8Zt1vXn0aWc3o2Cq6gZc1a test";

    public static PropertyMap Connection(string host = "127.0.0.1", object? port = null, string? user = "root", string? privateKey = PrivateKey, string? hostKey = HostKey)
    {
        var fields = new List<(string, object)> { ("host", host) };
        if (port is not null)
        {
            fields.Add(("port", port));
        }

        if (user is not null)
        {
            fields.Add(("user", user));
        }

        if (privateKey is not null)
        {
            fields.Add(("privateKey", privateKey));
        }

        if (hostKey is not null)
        {
            fields.Add(("hostKey", hostKey));
        }

        return Bag.Of([.. fields]);
    }

    [Fact]
    public async Task CheckConfig_ObjectConnection_PassesAndWrapsOnlyThePrivateKeyInASecret()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var checkedConfig = await CheckConfigAsync(provider, Bag.Of(("hostName", "node-a"), ("connection", Connection(port: 2222)), ("version", "0.1.0")));

        Assert.Empty(checkedConfig.Failures);
        var inputs = StructCodec.Decode(checkedConfig.Inputs);
        var connection = Assert.IsType<ObjectValue>(inputs["connection"]);
        Assert.IsType<SecretValue>(connection.Map["privateKey"]);
        Assert.Equal(PropertyValue.From(PrivateKey), connection.Map["privateKey"].Reveal());
        Assert.IsType<StringValue>(connection.Map["host"]);
        Assert.Equal("0.1.0", Outputs(inputs, "version"));
    }

    [Fact]
    public async Task CheckConfig_JsonTextConnection_AsDefaultProvidersSendIt_PassesAndIsSecretWhole()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var json = System.Text.Json.JsonSerializer.Serialize(new { host = "10.0.0.5", port = 22, user = "root", privateKey = PrivateKey, hostKey = HostKey });
        var checkedConfig = await CheckConfigAsync(provider, Bag.Of(("hostName", "node-a"), ("connection", json)));

        Assert.Empty(checkedConfig.Failures);
        var connection = StructCodec.Decode(checkedConfig.Inputs)["connection"];
        Assert.IsType<SecretValue>(connection);
        Assert.Equal(PropertyValue.From(json), connection.Reveal());
    }

    [Fact]
    public async Task CheckConfig_MissingFields_AreFailuresAtTheirPaths()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var checkedConfig = await CheckConfigAsync(provider, Bag.Of(("hostName", "node-a"), ("connection", Connection(user: null, privateKey: null, hostKey: null))));

        Assert.Equal(
            ["connection.hostKey", "connection.privateKey", "connection.user"],
            checkedConfig.Failures.Select(f => f.Property).Order(StringComparer.Ordinal));
        Assert.All(checkedConfig.Failures, f => Assert.Contains("missing", f.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(22.5)]
    [InlineData("ssh")]
    public async Task CheckConfig_BadPort_IsAFailureAtConnectionPort(object port)
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var checkedConfig = await CheckConfigAsync(provider, Bag.Of(("hostName", "node-a"), ("connection", Connection(port: port))));

        var failure = Assert.Single(checkedConfig.Failures);
        Assert.Equal("connection.port", failure.Property);
        Assert.Contains("1 to 65535", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_PortAsText_AsDefaultProvidersSendNumbers_Passes()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var checkedConfig = await CheckConfigAsync(provider, Bag.Of(("hostName", "node-a"), ("connection", Connection(port: "2222"))));

        Assert.Empty(checkedConfig.Failures);
    }

    [Fact]
    public async Task CheckConfig_BadKeysAndMissingHostName_AreFailures_AndNoReasonShowsThePrivateKey()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var notAKey = "hunter2-" + Guid.NewGuid().ToString("N");
        var checkedConfig = await CheckConfigAsync(provider, Bag.Of(
            ("hostRoot", "/tmp"),
            ("connection", Connection(host: "-oProxyCommand=x", privateKey: notAKey, hostKey: "AAAA not a key"))));

        Assert.Equal(
            ["connection.host", "connection.hostKey", "connection.privateKey", "hostName", "hostRoot"],
            checkedConfig.Failures.Select(f => f.Property).Order(StringComparer.Ordinal));
        Assert.All(checkedConfig.Failures, f => Assert.DoesNotContain(notAKey, f.Reason, StringComparison.Ordinal));
        Assert.DoesNotContain(notAKey, provider.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_RefusesABadConnection_WithInvalidArgument_NamingTheField_NotTheKey()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
        var args = Bag.Of(("hostName", "node-a"), ("connection", Connection(port: 70000).With("privateKey", PropertyValue.Secret(PropertyValue.From(PrivateKey)))));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.ConfigureAsync(new ConfigureRequest { Args = StructCodec.Encode(args), AcceptSecrets = true, AcceptResources = true }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("connection.port", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAAnot", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableHost_EachResourceFailsWithFailedPrecondition_NamingTheHostAndTheFix_WithoutTheKey()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
        // 127.0.0.1 port 1: nothing listens there, so ssh is refused at once.
        var args = Bag.Of(("hostName", "node-a"), ("connection", Connection(port: 1).With("privateKey", PropertyValue.Secret(PropertyValue.From(PrivateKey)))));
        await provider.Client.ConfigureAsync(new ConfigureRequest { Args = StructCodec.Encode(args), AcceptSecrets = true, AcceptResources = true });

        var news = Bag.Of(("select", Bag.Of(("parent", "mtty"))), ("mode", "siov"), ("vdevs", Bag.Of(("mtty-1", 1))));
        var urn = Urns.Of("hdiov:index:DeviceSplit", "serial");
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.CreateAsync(new CreateRequest { Urn = urn, Type = "hdiov:index:DeviceSplit", Name = "serial", Properties = StructCodec.Encode(news.With("name", PropertyValue.From("serial"))) }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("host 'node-a' (root@127.0.0.1:1)", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Nothing on it was changed", error.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("HDIOV5009: ", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Fix:", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAAnot", error.Status.Detail + provider.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffConfig_AnotherKeyUpdatesTheProvider_AnotherHostNameReplacesItsResources()
    {
        await using var provider = await ProviderUnderTest.StartAsync();
        var olds = Bag.Of(("hostName", "node-a"), ("connection", Connection()));
        var rotated = olds.With("connection", PropertyValue.From(Connection(privateKey: PrivateKey.Replace("7f3a", "9c1b", StringComparison.Ordinal))));

        var keyChange = await provider.Client.DiffConfigAsync(new DiffRequest { Urn = Urns.Provider, OldInputs = StructCodec.Encode(olds), Olds = StructCodec.Encode(olds), News = StructCodec.Encode(rotated) });
        var hostChange = await provider.Client.DiffConfigAsync(new DiffRequest { Urn = Urns.Provider, OldInputs = StructCodec.Encode(olds), Olds = StructCodec.Encode(olds), News = StructCodec.Encode(rotated.With("hostName", PropertyValue.From("node-b"))) });

        Assert.Equal(DiffResponse.Types.DiffChanges.DiffSome, keyChange.Changes);
        Assert.Equal(["connection"], keyChange.Diffs);
        Assert.Empty(keyChange.Replaces);
        Assert.Equal(["hostName"], hostChange.Replaces);
    }

    private static async Task<CheckResponse> CheckConfigAsync(ProviderUnderTest provider, PropertyMap news)
    {
        await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
        return await provider.Client.CheckConfigAsync(new CheckRequest { Urn = Urns.Provider, News = StructCodec.Encode(news) });
    }

    private static string? Outputs(PropertyMap map, string key) => map.Get(key)?.Reveal() is StringValue s ? s.Value : null;
}
