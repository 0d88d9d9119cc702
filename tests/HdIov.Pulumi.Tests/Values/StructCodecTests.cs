using CsCheck;
using Google.Protobuf.WellKnownTypes;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Tests.Values;

[Trait("Category", "Pulumi")]
public sealed class StructCodecTests
{
    private static readonly Gen<PropertyValue> Leaf = Gen.OneOf(
        Gen.Const(PropertyValue.Null),
        Gen.Const(PropertyValue.Unknown),
        Gen.Bool.Select(PropertyValue.From),
        Gen.Double.Select(PropertyValue.From),
        Gen.Int[-1000, 1000].Select(i => PropertyValue.From(i)),
        Gen.String.Select(PropertyValue.From),
        Gen.Select(Gen.String.AlphaNumeric, Gen.Bool, Gen.String.AlphaNumeric, (urn, hasId, id) => (PropertyValue)new ResourceReferenceValue("urn:pulumi:dev::p::t::" + urn, hasId ? id : null, "0.1.0")));

    private static Gen<PropertyValue> Value(int depth) => depth == 0
        ? Leaf
        : Gen.OneOf(
            Leaf,
            Value(depth - 1).Array[0, 4].Select(items => PropertyValue.From(items)),
            Gen.Select(Gen.String.AlphaNumeric.Array[0, 4], Value(depth - 1).Array[4], (keys, values) =>
                PropertyValue.From(new PropertyMap(keys.Distinct().Select((k, i) => KeyValuePair.Create(k, values[i]))))),
            Value(depth - 1).Select(PropertyValue.Secret));

    private static readonly Gen<PropertyMap> Map = Gen.Select(Gen.String.AlphaNumeric.Array[0, 6], Value(3).Array[6], (keys, values) =>
        new PropertyMap(keys.Distinct().Select((k, i) => KeyValuePair.Create(k, values[i]))));

    [Fact]
    public void Decode_OfEncode_GivesBackTheSameBag() =>
        Map.Sample(map => Assert.Equal(map, StructCodec.Decode(StructCodec.Encode(map))));

    [Fact]
    public void Encode_OfDecode_GivesBackTheSameWireBag() =>
        Map.Sample(map =>
        {
            var wire = StructCodec.Encode(map);
            Assert.Equal(wire, StructCodec.Encode(StructCodec.Decode(wire)));
        });

    [Fact]
    public void Reveal_RemovesEverySecret_AndKeepsTheValues() =>
        Map.Sample(map =>
        {
            var revealed = map.Reveal();
            Assert.DoesNotContain(revealed.Values, v => v.ContainsSecret);
            Assert.Equal(revealed, revealed.Reveal());
        });

    [Theory]
    [InlineData("04da6b54-80e4-46f7-96ec-b56ff0331ba9")]
    [InlineData("1c4a061d-8072-4f0a-a4cb-0ff528b18fe7")]
    [InlineData("3eeb2bf0-c639-47a8-9e75-3b44932eb421")]
    [InlineData("6a19a0b0-7e62-4c92-b797-7f8e31da9cc2")]
    [InlineData("dd056dcd-154b-4c76-9bd3-c8f88648b5ff")]
    public void Decode_AnyTypedUnknownSentinel_IsUnknown(string sentinel) =>
        Assert.True(StructCodec.Decode(Google.Protobuf.WellKnownTypes.Value.ForString(sentinel)).IsUnknown);

    [Fact]
    public void Decode_SecretEnvelope_IsSecretAndEncodesBackToTheEnvelope()
    {
        var envelope = new Struct();
        envelope.Fields["4dabf18193072939515e22adb298388d"] = Google.Protobuf.WellKnownTypes.Value.ForString("1b47061264138c4ac30d75fd1eb44270");
        envelope.Fields["value"] = Google.Protobuf.WellKnownTypes.Value.ForString("hunter2");

        var decoded = StructCodec.Decode(Google.Protobuf.WellKnownTypes.Value.ForStruct(envelope));

        var secret = Assert.IsType<SecretValue>(decoded);
        Assert.Equal(PropertyValue.From("hunter2"), secret.Value);
        Assert.Equal("[secret]", decoded.ToString());
        Assert.Equal(envelope, StructCodec.Encode(decoded).StructValue);
    }

    [Fact]
    public void Decode_OutputValueWithoutValue_IsUnknown_AndASecretOutputIsSecret()
    {
        var unknown = new Struct();
        unknown.Fields["4dabf18193072939515e22adb298388d"] = Google.Protobuf.WellKnownTypes.Value.ForString("d0e6a833031e9bbcd3f4e8bde6ca49a4");
        var secret = unknown.Clone();
        secret.Fields["value"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(4);
        secret.Fields["secret"] = Google.Protobuf.WellKnownTypes.Value.ForBool(true);

        Assert.True(StructCodec.Decode(Google.Protobuf.WellKnownTypes.Value.ForStruct(unknown)).IsUnknown);
        Assert.Equal(PropertyValue.Secret(PropertyValue.From(4)), StructCodec.Decode(Google.Protobuf.WellKnownTypes.Value.ForStruct(secret)));
    }

    [Fact]
    public void Decode_NullStruct_IsAnEmptyBag() => Assert.Equal(PropertyMap.Empty, StructCodec.Decode((Struct?)null));

    [Fact]
    public void Decode_Asset_IsRefusedWithAClearError()
    {
        var asset = new Struct();
        asset.Fields["4dabf18193072939515e22adb298388d"] = Google.Protobuf.WellKnownTypes.Value.ForString("c44067f5952c0a294b673a41bacd8c17");

        var error = Assert.Throws<PropertyFormatException>(() => StructCodec.Decode(Google.Protobuf.WellKnownTypes.Value.ForStruct(asset)));
        Assert.Contains("assets", error.Message, StringComparison.Ordinal);
    }
}
