using Grpc.Core;
using HdIov.Engine.Tests.Testing;
using HdIov.PowerShell.Tests.Ssh;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Connection.SshFleetExampleTests;

namespace HdIov.Pulumi.Tests.Connection;

/// <summary>
/// A host behind a real sshd that the provider cannot use: another host key, a key it does not authorize, no HdIov
/// module. Each is a FailedPrecondition that names the host and the fix, without the private key, and the host's
/// simulated kernel sees no write.
/// </summary>
[Trait("Category", "Pulumi")]
public sealed class SshHostErrorTests
{
    private const string DeviceSplit = "hdiov:index:DeviceSplit";

    [Fact]
    public async Task WrongHostKey_IsAClearErrorNamingTheHostAndTheFix_AndChangesNothing()
    {
        using var farm = new SshServerFarm();
        using var host = TemporarySimulatedHost.Create("mtty-lab");
        using var other = TemporarySimulatedHost.Create("mtty-lab");
        var server = farm.Start("node-1", host.Root);
        var impostor = farm.Start("node-2", other.Root);

        var error = await CreateFailsAsync(host, Connection(server, farm.ClientKey, hostKeyOf: impostor));

        Assert.Contains("SSH host key is not the one in connection.hostKey", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Fix: check the host's key out of band", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyTheHostDoesNotAuthorize_IsAClearError_AndChangesNothing()
    {
        using var farm = new SshServerFarm();
        using var host = TemporarySimulatedHost.Create("mtty-lab");
        var server = farm.Start("node-1", host.Root);
        var stranger = SshServerFarm.NewKey(Path.Combine(farm.Directory, "stranger_ed25519"));

        var error = await CreateFailsAsync(host, Connection(server, stranger, hostKeyOf: server));

        Assert.Contains($"it refused the login of '{Environment.UserName}' with connection.privateKey", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("authorized_keys", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostWithoutTheModule_IsAClearError_AndChangesNothing()
    {
        using var farm = new SshServerFarm();
        using var host = TemporarySimulatedHost.Create("mtty-lab");
        var server = farm.Start("node-1", host.Root, module: false);

        var error = await CreateFailsAsync(host, Connection(server, farm.ClientKey, hostKeyOf: server));

        Assert.Contains("the HdIov module could not be imported there", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Fix: install the module from its package on the host", error.Status.Detail, StringComparison.Ordinal);
    }

    private static PropertyMap Connection(SshTestServer server, string keyFile, SshTestServer hostKeyOf) => Bag.Of(
        ("host", server.Address.ToString()),
        ("port", server.Port),
        ("user", Environment.UserName),
        ("privateKey", PropertyValue.Secret(PropertyValue.From(File.ReadAllText(keyFile)))),
        ("hostKey", File.ReadAllText(hostKeyOf.HostKey + ".pub").Trim()));

    /// <summary>Configures a provider for node-1 over <paramref name="connection"/> and creates a DeviceSplit, which must fail and leave the host as it was.</summary>
    private static async Task<RpcException> CreateFailsAsync(TemporarySimulatedHost host, PropertyMap connection)
    {
        var before = Writes(host);
        await using var provider = await ProviderUnderTest.StartAsync();
        await provider.Client.HandshakeAsync(new ProviderHandshakeRequest { ConfigureWithUrn = true });
        await provider.Client.ConfigureAsync(new ConfigureRequest { Args = StructCodec.Encode(Bag.Of(("hostName", "node-1"), ("connection", connection))), AcceptSecrets = true, AcceptResources = true });
        var news = Bag.Of(("name", "serial"), ("select", Bag.Of(("parent", "mtty"))), ("mode", "siov"), ("vdevs", Bag.Of(("mtty-1", 1))));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await provider.Client.CreateAsync(new CreateRequest
        {
            Urn = Urns.Of(DeviceSplit, "serial"),
            Type = DeviceSplit,
            Name = "serial",
            Properties = StructCodec.Encode(news),
        }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var address = ((StringValue)((ObjectValue)PropertyValue.From(connection)).Map["host"]).Value;
        Assert.Contains($"host 'node-1' ({Environment.UserName}@{address}:", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Nothing on it was changed", error.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("HDIOV5009: ", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", error.Status.Detail + provider.Log, StringComparison.Ordinal);
        Assert.Equal(before, Writes(host));
        Assert.Empty(Observe(host).Mdevs);
        return error;
    }
}
