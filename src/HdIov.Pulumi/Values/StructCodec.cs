using Google.Protobuf.WellKnownTypes;

namespace HdIov.Pulumi.Values;

/// <summary>
/// Converts between the engine's <see cref="Struct"/> property bags and <see cref="PropertyMap"/>: unknown sentinels,
/// secret envelopes, resource references and (in Construct inputs) output values become typed values; a null
/// struct is an empty bag. Assets, archives and byte strings are not part of this provider's schema and are refused.
/// </summary>
public static class StructCodec
{
    public static PropertyMap Decode(Struct? value)
    {
        if (value is null)
        {
            return PropertyMap.Empty;
        }

        return new PropertyMap(value.Fields.Select(f => KeyValuePair.Create(f.Key, Decode(f.Value))));
    }

    public static PropertyValue Decode(Value? value)
    {
        if (value is null)
        {
            return PropertyValue.Null;
        }

        switch (value.KindCase)
        {
            case Value.KindOneofCase.None:
            case Value.KindOneofCase.NullValue:
                return PropertyValue.Null;
            case Value.KindOneofCase.BoolValue:
                return PropertyValue.From(value.BoolValue);
            case Value.KindOneofCase.NumberValue:
                return PropertyValue.From(value.NumberValue);
            case Value.KindOneofCase.StringValue:
                return WireSignatures.UnknownSentinels.Contains(value.StringValue) ? PropertyValue.Unknown : PropertyValue.From(value.StringValue);
            case Value.KindOneofCase.ListValue:
                return PropertyValue.From(value.ListValue.Values.Select(Decode));
            case Value.KindOneofCase.StructValue:
                return DecodeObject(value.StructValue);
            default:
                throw new PropertyFormatException($"unsupported protobuf value kind {value.KindCase}");
        }
    }

    public static Struct Encode(PropertyMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new Struct();
        foreach (var (key, value) in map)
        {
            result.Fields[key] = Encode(value);
        }

        return result;
    }

    public static Value Encode(PropertyValue value) => value switch
    {
        StringValue s => Value.ForString(s.Value),
        BoolValue b => Value.ForBool(b.Value),
        NumberValue n => Value.ForNumber(n.Value),
        ArrayValue a => Value.ForList([.. a.Items.Select(Encode)]),
        ObjectValue o => Value.ForStruct(Encode(o.Map)),
        SecretValue s => Value.ForStruct(Signed(WireSignatures.Secret, ("value", Encode(s.Value)))),
        ResourceReferenceValue r => Value.ForStruct(Signed(
            WireSignatures.ResourceReference,
            [("urn", Value.ForString(r.Urn)), .. r.Id is null ? Array.Empty<(string, Value)>() : [("id", Value.ForString(r.Id))], ("packageVersion", Value.ForString(r.PackageVersion))])),
        _ when value.IsUnknown => Value.ForString(WireSignatures.UnknownString),
        _ => Value.ForNull(),
    };

    private static PropertyValue DecodeObject(Struct value)
    {
        if (!value.Fields.TryGetValue(WireSignatures.SignatureKey, out var signature))
        {
            return PropertyValue.From(Decode(value));
        }

        var fields = value.Fields;
        switch (signature.StringValue)
        {
            case WireSignatures.Secret:
                return PropertyValue.Secret(fields.TryGetValue("value", out var secret) ? Decode(secret) : PropertyValue.Null);
            case WireSignatures.ResourceReference:
                return new ResourceReferenceValue(
                    Text(fields, "urn") ?? throw new PropertyFormatException("a resource reference has no urn"),
                    Text(fields, "id"),
                    Text(fields, "packageVersion") ?? string.Empty);
            case WireSignatures.OutputValue:
                var inner = fields.TryGetValue("value", out var known) ? Decode(known) : PropertyValue.Unknown;
                return inner.SecretIf(fields.TryGetValue("secret", out var flag) && flag.BoolValue);
            default:
                throw new PropertyFormatException($"unsupported special value with signature {signature.StringValue} (assets, archives and byte strings are not used by this provider)");
        }
    }

    private static string? Text(Google.Protobuf.Collections.MapField<string, Value> fields, string key) =>
        fields.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : null;

    private static Struct Signed(string signature, params (string Key, Value Value)[] fields)
    {
        var result = new Struct();
        result.Fields[WireSignatures.SignatureKey] = Value.ForString(signature);
        foreach (var (key, value) in fields)
        {
            result.Fields[key] = value;
        }

        return result;
    }
}
