using Grpc.Core;
using HdIov.Engine.Attachments;
using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

[Trait("Category", "Pulumi")]
public sealed class HostComponentTests
{
    private const string Host = "hdiov:index:Host";
    private const string ProviderRef = "urn:pulumi:dev::proj::pulumi:providers:hdiov::lab-provider::0b8a1c5e-provider";
    private const string ComponentUrn = "urn:pulumi:dev::proj::hdiov:index:Host::lab";

    private const string Document = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata:
          name: node-a
        spec:
          platform:
            kernelArgs: [ "hugepagesz=2M" ]
          devices:
            - name: serial
              select: { parent: mtty }
              mode: siov
              vdevs: { mtty-1: 2 }
          attachments:
            - vdevs: [ serial/0/mtty-1/0 ]
              container: { cdi: true }
            - vdevs: [ serial/0/mtty-1/1 ]
              vm: { name: vm01 }
        """;

    [Fact]
    public async Task Construct_WholeDocument_RegistersTheComponentThenItsChildrenUnderIt()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();

        var response = await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", Document)), dryRun: false));

        var registered = monitor.Registrations.ToList();
        var component = registered[0];
        Assert.Equal((Host, "lab", FakeResourceMonitor.StackUrn, false), (component.Type, component.Name, component.Parent, component.Custom));
        Assert.Equal(ComponentUrn, response.Urn);
        var children = registered.Skip(1).ToList();
        Assert.Equal(
            [("hdiov:index:Platform", "lab-platform"), ("hdiov:index:DeviceSplit", "lab-serial"), ("hdiov:index:Attachment", "lab-serial/0/mtty-1/0"), ("hdiov:index:Attachment", "lab-serial/0/mtty-1/1")],
            children.Select(c => (c.Type, c.Name)));
        Assert.All(children, c =>
        {
            Assert.Equal(ComponentUrn, c.Parent);
            Assert.True(c.Custom);
            Assert.Equal("0.1.0", c.Version);
            Assert.Equal(ProviderRef, c.Provider);
            Assert.Equal(ProviderRef, c.Providers["hdiov"]);
        });
        Assert.Equal(Bag.Of(("kernelArgs", new[] { "hugepagesz=2M" })), StructCodec.Decode(children[0].Object));
        Assert.Equal(
            Bag.Of(("name", "serial"), ("select", Bag.Of(("parent", "mtty"))), ("mode", "siov"), ("vdevs", Bag.Of(("mtty-1", 2)))),
            StructCodec.Decode(children[1].Object));
        Assert.Equal(Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("container", Bag.Of(("cdi", true)))), StructCodec.Decode(children[2].Object));
        Assert.Equal(
            Bag.Of(("vdevs", new[] { "serial/0/mtty-1/1" }), ("vm", Bag.Of(("name", "vm01"), ("uri", "qemu:///system"), ("live", true)))),
            StructCodec.Decode(children[3].Object));
        var splitUrn = "urn:pulumi:dev::proj::hdiov:index:Host$hdiov:index:DeviceSplit::lab-serial";
        Assert.Empty(children[0].Dependencies);
        Assert.Empty(children[1].Dependencies);
        Assert.All(children.Skip(2), a =>
        {
            Assert.Equal([splitUrn], a.Dependencies);
            Assert.Equal([splitUrn], a.PropertyDependencies["vdevs"].Urns);
        });
    }

    [Fact]
    public async Task Construct_RecordsOutputs_AndAnswersWithStateAndItsDependencies()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();

        var response = await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", Document)), dryRun: false));

        var recorded = Assert.Single(monitor.RecordedOutputs);
        Assert.Equal(ComponentUrn, recorded.Urn);
        var state = StructCodec.Decode(response.State);
        Assert.Equal(StructCodec.Decode(recorded.Outputs), state);
        Assert.Equal(PropertyValue.From("node-a"), state["hostName"]);
        Assert.Equal(PropertyValue.From(1), state["deviceSplitCount"]);
        Assert.Equal(PropertyValue.From(2), state["attachmentCount"]);
        Assert.Equal(PropertyValue.From("urn:pulumi:dev::proj::hdiov:index:Host$hdiov:index:Platform::lab-platform"), state["platform"]);
        Assert.Equal(
            ["urn:pulumi:dev::proj::hdiov:index:Host$hdiov:index:Attachment::lab-serial/0/mtty-1/0", "urn:pulumi:dev::proj::hdiov:index:Host$hdiov:index:Attachment::lab-serial/0/mtty-1/1"],
            response.StateDependencies["attachments"].Urns);
        Assert.Equal(Bag.Items(state, "attachments").Select(u => ((HdIov.Pulumi.Values.StringValue)u).Value), response.StateDependencies["attachments"].Urns);
    }

    [Fact]
    public async Task Construct_DryRun_RegistersTheSameChildren_AndChangesNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var preview = await FakeResourceMonitor.StartAsync();
        await using var up = await FakeResourceMonitor.StartAsync();
        preview.DryRun = true;
        var containersOnly = Document[..Document.IndexOf("    - vdevs: [ serial/0/mtty-1/1 ]", StringComparison.Ordinal)];
        preview.Provider = provider.Client;
        var before = Observe(sim);

        await provider.Client.ConstructAsync(Request(preview, Bag.Of(("spec", containersOnly)), dryRun: true));
        await provider.Client.ConstructAsync(Request(up, Bag.Of(("spec", containersOnly)), dryRun: false));

        Assert.Equal(
            up.Registrations.Select(r => (r.Type, r.Name, r.Parent, r.Object.ToString(), string.Join(",", r.Dependencies))),
            preview.Registrations.Select(r => (r.Type, r.Name, r.Parent, r.Object.ToString(), string.Join(",", r.Dependencies))));
        Assert.Equal(before.Mdevs.Length, Observe(sim).Mdevs.Length);
        Assert.Equal(before.Platform.BootCommandLine, Observe(sim).Platform.BootCommandLine);
    }

    [Fact]
    public async Task Construct_ThroughAnEngineLikeMonitor_ConvergesTheHost()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();
        monitor.Provider = provider.Client;
        var containersOnly = Document[..Document.IndexOf("    - vdevs: [ serial/0/mtty-1/1 ]", StringComparison.Ordinal)];

        await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", containersOnly)), dryRun: false));

        var state = Observe(sim);
        Assert.Equal(2, state.Mdevs.Count(m => m.Type == "mtty-1"));
        Assert.Equal(["serial/0/mtty-1/0"], CdiSpecDocument.Parse(state.Platform.CdiSpec).Select(d => d.VdevName));
        Assert.Contains("hugepagesz=2M", state.Platform.BootCommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Construct_SpecPath_LoadsTheFile()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();
        var file = Path.Combine(sim.Root, "..", $"host-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, Document);
        try
        {
            var response = await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("specPath", file)), dryRun: false));

            Assert.Equal(5, monitor.Registrations.Count);
            Assert.Equal(PropertyValue.From(2), StructCodec.Decode(response.State)["attachmentCount"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Construct_InvalidDocument_IsInvalidArgumentWithFileLineAndColumn_AndRegistersNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();
        var broken = Document.Replace("mode: siov", "mode: siov\n      vdefs: { mtty-1: 1 }", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", broken)), dryRun: false)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.True(error.Status.Detail.Contains("spec:12:7", StringComparison.Ordinal), error.Status.Detail);
        Assert.Contains("vdefs", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(monitor.Registrations);
    }

    [Fact]
    public async Task Construct_QemuAttachment_IsInvalidArgumentNamingIt_AndRegistersNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();
        var qemu = Document.Replace("vm: { name: vm01 }", "qemu: { name: vm01 }", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", qemu)), dryRun: false)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("HDIOV2014: the attachment of serial/0/mtty-1/1 to the QEMU VM vm01", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(monitor.Registrations);
    }

    [Fact]
    public async Task Construct_SpecAndSpecPathTogether_IsInvalidArgument()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", Document), ("specPath", "host.yaml")), dryRun: false)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("specPath", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Construct_SecretDocument_MakesChildInputsSecret_AfterAskingForTheSecretsFeature()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();

        await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", PropertyValue.Secret(PropertyValue.From(Document)))), dryRun: false));

        Assert.Contains("secrets", monitor.FeatureQueries);
        Assert.All(monitor.Registrations.Skip(1), c => Assert.All(StructCodec.Decode(c.Object).Values, v => Assert.IsType<SecretValue>(v)));
    }

    [Fact]
    public async Task Construct_UnknownDocumentInPreview_RegistersOnlyTheComponent_WithUnknownOutputs()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await using var monitor = await FakeResourceMonitor.StartAsync();

        var response = await provider.Client.ConstructAsync(Request(monitor, Bag.Of(("spec", PropertyValue.Unknown)), dryRun: true));

        Assert.Equal(Host, Assert.Single(monitor.Registrations).Type);
        Assert.All(StructCodec.Decode(response.State).Values, v => Assert.True(v.IsUnknown));
    }

    private static ConstructRequest Request(FakeResourceMonitor monitor, PropertyMap inputs, bool dryRun)
    {
        var request = new ConstructRequest
        {
            Project = "proj",
            Stack = "dev",
            DryRun = dryRun,
            Parallel = 4,
            MonitorEndpoint = monitor.Endpoint,
            Type = Host,
            Name = "lab",
            Parent = FakeResourceMonitor.StackUrn,
            Inputs = StructCodec.Encode(inputs),
            AcceptsOutputValues = false,
        };
        request.Providers.Add("hdiov", ProviderRef);
        return request;
    }
}
