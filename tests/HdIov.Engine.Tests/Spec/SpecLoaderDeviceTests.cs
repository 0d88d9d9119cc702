using HdIov.Engine.Diagnostics;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecLoaderDeviceTests
{
    private const string Head = "apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: node }\nspec:\n  devices:\n";

    [Fact]
    public void LoadText_DeviceEntries_BuildTheModelWithDefaults()
    {
        var spec = SpecAssert.Valid(Head + """
                - name: qat
                  select: { driver: 4xxx }
                  mode: siov
                  services: [ asym, dc ]
                  vdevs: { dc: 8, asym: 4 }
                - name: qat-vf
                  select: { pciAddress: "0000:F7:00.0" }
                  mode: sriov
                  vfs: { count: 16, driver: vfio-pci }
                  ownership: prune
                - name: ids
                  select: { vendor: "8086", device: "4ABC" }
                  mode: none
            """);

        var qat = spec.Devices[0];
        Assert.Equal(("qat", "4xxx", SplitMode.Siov, OwnershipPolicy.Keep), (qat.Name, qat.Select.Driver, qat.Mode, qat.Ownership));
        Assert.Equal(["asym", "dc"], qat.Services.ToArray());
        Assert.Equal(["asym=4", "dc=8"], qat.Vdevs.Select(v => $"{v.Key}={v.Value}"));
        Assert.Null(qat.Vfs);
        Assert.Equal(new SourceLocation(SpecAssert.File, 6, 7), qat.Location);

        var vf = spec.Devices[1];
        Assert.Equal(PciAddress.Parse("0000:f7:00.0"), vf.Select.PciAddress);
        Assert.Equal(new VfSpec(16, "vfio-pci"), vf.Vfs);
        Assert.Empty(vf.Vdevs);
        Assert.Equal(OwnershipPolicy.Prune, vf.Ownership);

        Assert.Equal(("8086", "4abc"), (spec.Devices[2].Select.Vendor, spec.Devices[2].Select.Device));
    }

    [Fact]
    public void LoadText_PciAddressList_SelectsEveryListedPf()
    {
        var spec = SpecAssert.Valid(Head + """
                - name: qat
                  select: { pciAddress: [ "0000:70:00.0", "0000:6b:00.0" ] }
                  mode: siov
                  vdevs: { asym: 1 }
            """);

        var select = spec.Devices[0].Select;
        Assert.Null(select.PciAddress);
        Assert.Equal([PciAddress.Parse("0000:70:00.0"), PciAddress.Parse("0000:6b:00.0")], select.SelectedAddresses.ToArray());
    }

    [Fact]
    public void LoadText_DuplicateEntryName_IsReportedAtTheSecond()
    {
        SpecAssert.Single(
            Head + "    - { name: a, select: { driver: x }, mode: none }\n    - { name: a, select: { driver: y }, mode: none }\n",
            DiagnosticCodes.DuplicateName,
            "spec.devices[1].name",
            7,
            15);
    }

    [Fact]
    public void LoadText_EntryWithoutNameSelectMode_ReportsEachMissingKey()
    {
        var result = SpecAssert.Load(Head + "    - { services: [ sym ] }\n");

        Assert.Equal(
            ["spec.devices[0].name", "spec.devices[0].select", "spec.devices[0].mode"],
            result.Diagnostics.Where(d => d.Code == DiagnosticCodes.MissingKey).Select(d => d.KeyPath));
        Assert.All(result.Diagnostics, d => Assert.Equal((6, 7), (d.Location!.Line, d.Location.Column)));
    }

    [Fact]
    public void LoadText_EmptySelect_NamesTheChoices()
    {
        var diagnostic = SpecAssert.Single(Head + "    - { name: a, select: {}, mode: none }\n", DiagnosticCodes.MissingKey, "spec.devices[0].select", 6, 26);

        Assert.Contains("pciAddress", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_TwoSelectors_Conflict()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { driver: ice, parent: mtty }, mode: none }\n", DiagnosticCodes.ConflictingFields, "spec.devices[0].select", 6, 26);
    }

    [Fact]
    public void LoadText_VendorWithoutDevice_IsMissingTheDevice()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { vendor: \"8086\" }, mode: none }\n", DiagnosticCodes.MissingKey, "spec.devices[0].select.device", 6, 26);
    }

    [Theory]
    [InlineData("\"808\"")]
    [InlineData("\"0x8086\"")]
    [InlineData("\"80g6\"")]
    [InlineData("\"８０８６\"")]
    public void LoadText_VendorNotFourHexDigits_IsInvalid(string vendor)
    {
        SpecAssert.Single(Head + $"    - {{ name: a, select: {{ vendor: {vendor}, device: \"4940\" }}, mode: none }}\n", DiagnosticCodes.InvalidValue, "spec.devices[0].select.vendor", 6, 36);
    }

    [Fact]
    public void LoadText_UnquotedVendor_AsksForQuotes()
    {
        var diagnostic = SpecAssert.Single(Head + "    - { name: a, select: { vendor: 8086, device: \"4940\" }, mode: none }\n", DiagnosticCodes.InvalidValue, "spec.devices[0].select.vendor", 6, 36);

        Assert.Equal("quote it: \"8086\"", diagnostic.Hint);
    }

    [Theory]
    [InlineData("0000:6b:00.٠", "\\u0660")]
    [InlineData("0000:6b:00.０", "\\uff10")]
    [InlineData("0000:6b:20.0", "0000:6b:20.0")]
    [InlineData("0000:6b:00.8", "0000:6b:00.8")]
    [InlineData("6b:00.0", "6b:00.0")]
    [InlineData("0000:6b:00.0/../../x", "0000:6b:00.0/../../x")]
    public void LoadText_BadPciAddress_IsRejectedAndShownSafely(string address, string shown)
    {
        var diagnostic = SpecAssert.Single(
            Head + $"    - {{ name: a, select: {{ pciAddress: \"{address}\" }}, mode: none }}\n",
            DiagnosticCodes.InvalidPciAddress,
            "spec.devices[0].select.pciAddress",
            6,
            40);

        Assert.Contains(shown, diagnostic.Message, StringComparison.Ordinal);
        Assert.All(diagnostic.Message, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void LoadText_EmptyAddressList_IsInvalid()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { pciAddress: [] }, mode: none }\n", DiagnosticCodes.InvalidValue, "spec.devices[0].select.pciAddress", 6, 26);
    }

    [Fact]
    public void LoadText_AddressListedTwice_IsADuplicate()
    {
        SpecAssert.Single(
            Head + "    - { name: a, select: { pciAddress: [ \"0000:6b:00.0\", \"0000:6B:00.0\" ] }, mode: none }\n",
            DiagnosticCodes.DuplicateName,
            "spec.devices[0].select.pciAddress[1]",
            6,
            58);
    }

    [Fact]
    public void LoadText_OnePfInTwoEntries_Conflicts()
    {
        var diagnostic = SpecAssert.Single(
            Head + "    - { name: a, select: { pciAddress: \"0000:f7:00.0\" }, mode: none }\n    - { name: b, select: { pciAddress: [ \"0000:f7:00.0\" ] }, mode: none }\n",
            DiagnosticCodes.ConflictingFields,
            "spec.devices[1].select.pciAddress[0]",
            7,
            42);

        Assert.Contains("'a'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_OneDriverInTwoEntries_Conflicts()
    {
        SpecAssert.Single(
            Head + "    - { name: a, select: { driver: 4xxx }, mode: none }\n    - { name: b, select: { driver: 4xxx }, mode: none }\n",
            DiagnosticCodes.ConflictingFields,
            "spec.devices[1].select.driver",
            7,
            36);
    }

    [Theory]
    [InlineData("name: \"../x\"", "spec.devices[0].name", 13)]
    [InlineData("name: \"/sys/bus\"", "spec.devices[0].name", 13)]
    [InlineData("name: \"a\\0b\"", "spec.devices[0].name", 13)]
    [InlineData("name: \"a\\x1b[2J\"", "spec.devices[0].name", 13)]
    [InlineData("name: \"\"", "spec.devices[0].name", 13)]
    public void LoadText_UnsafeEntryName_IsAnInvalidName(string nameLine, string path, int column)
    {
        var diagnostic = SpecAssert.Single(Head + $"    - {nameLine}\n      select: {{ parent: mtty }}\n      mode: none\n", DiagnosticCodes.InvalidName, path, 6, column);

        Assert.DoesNotContain(diagnostic.Message, char.IsControl);
    }

    [Fact]
    public void LoadText_TenThousandCharacterName_IsRejectedWithAShortMessage()
    {
        var name = new string('a', 10_000);

        var diagnostic = SpecAssert.Single(Head + $"    - {{ name: {name}, select: {{ parent: mtty }}, mode: none }}\n", DiagnosticCodes.InvalidName, "spec.devices[0].name", 6, 15);

        Assert.True(diagnostic.ToString().Length < 400);
        Assert.Contains("at most 63", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_ParentThatIsAPath_IsAnInvalidName()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { parent: \"../../devices\" }, mode: none }\n", DiagnosticCodes.InvalidName, "spec.devices[0].select.parent", 6, 36);
    }

    [Fact]
    public void LoadText_MisspeltMode_SuggestsTheClosest()
    {
        var diagnostic = SpecAssert.Single(Head + "    - { name: a, select: { parent: mtty }, mode: sirov }\n", DiagnosticCodes.InvalidValue, "spec.devices[0].mode", 6, 50);

        Assert.StartsWith("did you mean 'siov'?", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_UnknownAndRepeatedService_AreEachReported()
    {
        var result = SpecAssert.Load(Head + "    - { name: a, select: { driver: 4xxx }, mode: none, services: [ sym, cy, sym ] }\n");

        Assert.Equal(2, result.Diagnostics.Length);
        SpecAssert.Has(result, DiagnosticCodes.InvalidValue, "spec.devices[0].services[1]", 6, 73);
        SpecAssert.Has(result, DiagnosticCodes.DuplicateName, "spec.devices[0].services[2]", 6, 77);
    }

    [Fact]
    public void LoadText_VdevTypeThatIsAPath_IsAnInvalidName()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { parent: mtty }, mode: siov, vdevs: { \"../create\": 1 } }\n", DiagnosticCodes.InvalidName, "spec.devices[0].vdevs.../create", 6, 65);
    }

    [Theory]
    [InlineData("4097", 6, 73)]
    [InlineData("-1", 6, 73)]
    [InlineData("\"4\"", 6, 73)]
    [InlineData("4.0", 6, 73)]
    [InlineData("0x10", 6, 73)]
    public void LoadText_VdevCountNotAWholeNumberInRange_IsInvalid(string count, int line, int column)
    {
        SpecAssert.Single(Head + $"    - {{ name: a, select: {{ parent: mtty }}, mode: siov, vdevs: {{ mtty-1: {count} }} }}\n", DiagnosticCodes.InvalidValue, "spec.devices[0].vdevs.mtty-1", line, column);
    }

    [Fact]
    public void LoadText_VfCountAbove256_IsOutOfRange()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { driver: ice }, mode: sriov, vfs: { count: 257 } }\n", DiagnosticCodes.InvalidValue, "spec.devices[0].vfs.count", 6, 70);
    }

    [Fact]
    public void LoadText_VfDriverThatIsAPath_IsAnInvalidName()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { driver: ice }, mode: sriov, vfs: { count: 2, driver: \"../unbind\" } }\n", DiagnosticCodes.InvalidName, "spec.devices[0].vfs.driver", 6, 81);
    }

    [Fact]
    public void LoadText_SiovWithVfs_ConflictsAtTheVfsKey()
    {
        SpecAssert.Single(Head + "    - name: a\n      select: { driver: 4xxx }\n      mode: siov\n      vdevs: { asym: 1 }\n      vfs: { count: 1 }\n", DiagnosticCodes.ConflictingFields, "spec.devices[0].vfs", 10, 7);
    }

    [Fact]
    public void LoadText_SiovWithoutVdevs_ConflictsAtTheMode()
    {
        SpecAssert.Single(Head + "    - name: a\n      select: { driver: 4xxx }\n      mode: siov\n", DiagnosticCodes.ConflictingFields, "spec.devices[0].mode", 8, 13);
    }

    [Fact]
    public void LoadText_SriovWithVdevs_ConflictsAtTheVdevsKey()
    {
        SpecAssert.Single(Head + "    - name: a\n      select: { driver: 4xxx }\n      mode: sriov\n      vfs: { count: 1 }\n      vdevs: { asym: 1 }\n", DiagnosticCodes.ConflictingFields, "spec.devices[0].vdevs", 10, 7);
    }

    [Fact]
    public void LoadText_SriovWithoutVfs_ConflictsAtTheMode()
    {
        SpecAssert.Single(Head + "    - name: a\n      select: { driver: 4xxx }\n      mode: sriov\n", DiagnosticCodes.ConflictingFields, "spec.devices[0].mode", 8, 13);
    }

    [Fact]
    public void LoadText_NoneWithVdevsAndVfs_ConflictsAtBothKeys()
    {
        var result = SpecAssert.Load(Head + "    - name: a\n      select: { driver: 4xxx }\n      mode: none\n      vdevs: { asym: 1 }\n      vfs: { count: 1 }\n");

        Assert.Equal(2, result.Diagnostics.Length);
        SpecAssert.Has(result, DiagnosticCodes.ConflictingFields, "spec.devices[0].vdevs", 9, 7);
        SpecAssert.Has(result, DiagnosticCodes.ConflictingFields, "spec.devices[0].vfs", 10, 7);
    }

    [Fact]
    public void LoadText_VdevsOfTheWrongShape_IsOneDiagnostic()
    {
        SpecAssert.Single(Head + "    - name: a\n      select: { driver: 4xxx }\n      mode: siov\n      vdevs: [ asym ]\n", DiagnosticCodes.InvalidValue, "spec.devices[0].vdevs", 9, 14);
    }

    [Fact]
    public void LoadText_UnknownOwnership_IsInvalid()
    {
        SpecAssert.Single(Head + "    - { name: a, select: { parent: mtty }, mode: none, ownership: steal }\n", DiagnosticCodes.InvalidValue, "spec.devices[0].ownership", 6, 67);
    }
}
