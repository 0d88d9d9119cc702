using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecWriterTests
{
    public static TheoryData<string> Examples => [.. RepositoryFiles.ValidExamples.Select(RepositoryFiles.Relative)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Write_Example_LoadsBackToAnEqualModel(string example)
    {
        var spec = SpecAssert.Valid(File.ReadAllText(Path.Combine(RepositoryFiles.Root, example)));

        var written = SpecWriter.Write(spec);

        SpecComparison.AssertEquivalent(spec, SpecAssert.Valid(written));
        Assert.Equal(written, SpecWriter.Write(SpecAssert.Valid(written)));
    }

    [Fact]
    public void Write_TextThatLooksLikeOtherTypes_QuotesIt()
    {
        var spec = new HostSpec(
            "true",
            new PlatformSpec(
                new BiosSpec(BiosSource.Redfish, ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("MmioSize", "512"), new("Quote", "a \"b\" # c: d\\")])),
                null,
                ["a=b#c", "x:y", "-1", "~"],
                []),
            [new DeviceSpec("123", new DeviceSelector(Driver: "null"), SplitMode.Sriov, [], ImmutableSortedDictionary<string, int>.Empty, new VfSpec(1, "1e5"), OwnershipPolicy.Adopt)],
            []);

        var text = SpecWriter.Write(spec);

        Assert.Contains("name: \"true\"", text, StringComparison.Ordinal);
        Assert.Contains("driver: \"null\"", text, StringComparison.Ordinal);
        SpecComparison.AssertEquivalent(spec, SpecAssert.Valid(text));
    }

    [Fact]
    public void Write_SingleAddressAndList_KeepTheirForm()
    {
        var single = new DeviceSpec("a", new DeviceSelector(PciAddress: PciAddress.Parse("0000:6b:00.0")), SplitMode.None, [], ImmutableSortedDictionary<string, int>.Empty, null, OwnershipPolicy.Keep);
        var list = single with { Name = "b", Select = new DeviceSelector(PciAddresses: [PciAddress.Parse("0000:70:00.0")]) };
        var spec = new HostSpec("n", PlatformSpec.Empty, [single, list], []);

        var text = SpecWriter.Write(spec);

        Assert.Contains("pciAddress: \"0000:6b:00.0\"", text, StringComparison.Ordinal);
        Assert.Contains("pciAddress: [\"0000:70:00.0\"]", text, StringComparison.Ordinal);
        SpecComparison.AssertEquivalent(spec, SpecAssert.Valid(text));
    }
}
