using HdIov.Engine.Tests.Testing;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Tests.Testing;
using HdIov.Pulumi.Values;
using static HdIov.Pulumi.Tests.Provider.DeviceSplitLifecycleTests;

namespace HdIov.Pulumi.Tests.Provider;

/// <summary>
/// Delete of each resource leaves the host as it was before that resource's Create: /etc and sysfs compared file by
/// file, the engine's own journal and ledger aside.
/// </summary>
[Trait("Category", "Pulumi")]
public sealed class DeleteGivesBackTests
{
    private const string DeviceSplit = "hdiov:index:DeviceSplit";
    private const string Attachment = "hdiov:index:Attachment";

    public static TheoryData<string, string, PropertyMap> Splits => new()
    {
        { "spr-qat-e810", "qat", Bag.Of(("name", "qat"), ("select", Bag.Of(("pciAddress", "0000:6b:00.0"))), ("mode", "siov"), ("services", new[] { "asym", "dc" }), ("vdevs", Bag.Of(("asym", 2), ("dc", 2)))) },
        { "spr-qat-e810", "qat-vf", Bag.Of(("name", "qat-vf"), ("select", Bag.Of(("pciAddress", "0000:f7:00.0"))), ("mode", "sriov"), ("vfs", Bag.Of(("count", 4), ("driver", "vfio-pci")))) },
        { "spr-qat-e810", "nic", Bag.Of(("name", "nic"), ("select", Bag.Of(("pciAddress", "0000:16:00.0"))), ("mode", "siov"), ("vdevs", Bag.Of(("ice-vdcm", 4)))) },
        { "icx-sriov", "e810", Bag.Of(("name", "e810"), ("select", Bag.Of(("pciAddress", "0000:31:00.0"))), ("mode", "sriov"), ("vfs", Bag.Of(("count", 2), ("driver", "vfio-pci")))) },
        { "mtty-lab", "serial", Serial(3) },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public async Task DeviceSplit_Delete_LeavesTheHostAsBeforeCreate(string profile, string name, PropertyMap inputs)
    {
        using var sim = TemporarySimulatedHost.Create(profile);
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        var before = TreeSnapshot.HostFiles(sim.Root);

        var (id, outputs, checkedInputs) = await provider.UpAsync(DeviceSplit, name, inputs);
        Assert.NotEqual(string.Empty, TreeSnapshot.Difference(before, TreeSnapshot.HostFiles(sim.Root)));
        await provider.Client.DeleteAsync(new DeleteRequest { Id = id, Urn = Urns.Of(DeviceSplit, name), Type = DeviceSplit, Properties = StructCodec.Encode(outputs), OldInputs = StructCodec.Encode(checkedInputs) });

        TreeSnapshot.AssertUnchanged(before, TreeSnapshot.HostFiles(sim.Root));
        Assert.Empty(Observe(sim).Ledger.Entries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ContainerAttachment_Delete_LeavesTheHostAsBeforeCreate_AndKeepsTheUsersCdiFiles(bool userCdiFile)
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        await using var provider = await ProviderUnderTest.ConfiguredAsync(sim.Root);
        await provider.UpAsync(DeviceSplit, "serial", Serial(2));
        if (userCdiFile)
        {
            sim.Host.WriteFile("/etc/cdi/other.json", "{\"cdiVersion\":\"0.6.0\",\"kind\":\"example.com/gpu\",\"devices\":[]}\n");
        }

        var before = TreeSnapshot.HostFiles(sim.Root);
        var inputs = Bag.Of(("vdevs", new[] { "serial/0/mtty-1/0" }), ("container", Bag.Of(("cdi", true))));

        var (id, outputs, checkedInputs) = await provider.UpAsync(Attachment, "a", inputs);
        Assert.True(sim.Host.Exists("/etc/cdi/hdiov.json"));
        await provider.Client.DeleteAsync(new DeleteRequest { Id = id, Urn = Urns.Of(Attachment, "a"), Type = Attachment, Properties = StructCodec.Encode(outputs), OldInputs = StructCodec.Encode(checkedInputs) });

        TreeSnapshot.AssertUnchanged(before, TreeSnapshot.HostFiles(sim.Root));
        Assert.Equal(userCdiFile, sim.Host.Exists("/etc/cdi/other.json"));
    }
}
