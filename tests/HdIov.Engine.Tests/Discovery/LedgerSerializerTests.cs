using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class LedgerSerializerTests
{
    private static readonly Guid Uuid = new("2f0c9b0a-2b8a-4e39-9a53-7d6a1b1c0001");

    [Fact]
    public void Write_UsesCamelCaseStringEnumsAndVersion()
    {
        var ledger = new OwnershipLedger([
            new LedgerEntry(LedgerEntryKind.Mdev, "0000:6b:00.0", Uuid, "4xxx-vqat_sym", "qat/0/sym/0", Persistence.HdIov),
            new LedgerEntry(LedgerEntryKind.VirtualFunctions, "0000:f7:00.0", Count: 16, Driver: "vfio-pci")]);

        var json = LedgerSerializer.Write(ledger);

        Assert.Contains("\"version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"VirtualFunctions\"", json, StringComparison.Ordinal);
        Assert.Contains("\"persistence\": \"HdIov\"", json, StringComparison.Ordinal);
        Assert.Contains("\"vdevName\": \"qat/0/sym/0\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.Equal(ledger.Entries.AsEnumerable(), LedgerSerializer.Read(json).Entries.AsEnumerable());
    }

    [Fact]
    public void Read_LedgerWithoutOrigins_ReadsEveryMdevAsDeclared_AndImperativeOriginsRoundTrip()
    {
        const string Old = "{\"version\": 1, \"entries\": [{\"kind\": \"Mdev\", \"parent\": \"mtty\", \"uuid\": \"2f0c9b0a-2b8a-4e39-9a53-7d6a1b1c0001\", \"type\": \"mtty-1\", \"vdevName\": \"serial/0/mtty-1/0\"}]}";
        var imperative = new LedgerEntry(LedgerEntryKind.Mdev, "mtty", Uuid, "mtty-1", "uart", Persistence.Mdevctl, Origin: VdevOrigin.Imperative);

        var old = Assert.Single(LedgerSerializer.Read(Old).Entries);
        var json = LedgerSerializer.Write(new OwnershipLedger([imperative]));

        Assert.Null(old.Origin);
        Assert.False(OwnershipLedger.IsImperative(old));
        Assert.Contains("\"origin\": \"Imperative\"", json, StringComparison.Ordinal);
        Assert.Equal(imperative, Assert.Single(LedgerSerializer.Read(json).Entries));
        Assert.DoesNotContain("origin", LedgerSerializer.Write(new OwnershipLedger([old])), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_VfSetWithoutEntry_ReadsAsUnnamed_AndTheEntryNameRoundTrips()
    {
        const string Old = "{\"version\": 1, \"entries\": [{\"kind\": \"VirtualFunctions\", \"parent\": \"0000:f7:00.0\", \"count\": 4}]}";
        var named = new LedgerEntry(LedgerEntryKind.VirtualFunctions, "0000:f7:00.0", Count: 4, Entry: "e810", PfOrdinal: 1);

        var old = Assert.Single(LedgerSerializer.Read(Old).Entries);
        var json = LedgerSerializer.Write(new OwnershipLedger([named]));

        Assert.Null(old.Entry);
        Assert.Null(old.PfOrdinal);
        Assert.Contains("\"entry\": \"e810\"", json, StringComparison.Ordinal);
        Assert.Contains("\"pfOrdinal\": 1", json, StringComparison.Ordinal);
        Assert.Equal(named, Assert.Single(LedgerSerializer.Read(json).Entries));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\": 2, \"entries\": []}")]
    [InlineData("{\"version\": 1, \"entries\": [{\"kind\": \"Mdev\", \"parent\": \"mtty\"}]}")]
    [InlineData("{\"version\": 1, \"entries\": [{\"kind\": \"Spaceship\", \"parent\": \"mtty\"}]}")]
    [InlineData("{\"version\": 1, \"entries\": [], \"extra\": true}")]
    [InlineData("null")]
    public void Read_InvalidLedger_ThrowsLedgerFormatException(string json)
    {
        var error = Assert.Throws<LedgerFormatException>(() => LedgerSerializer.Read(json));

        Assert.Contains(OwnershipLedger.Path, error.Message, StringComparison.Ordinal);
    }
}
