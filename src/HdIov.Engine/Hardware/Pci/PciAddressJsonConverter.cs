using System.Text.Json;
using System.Text.Json.Serialization;

namespace HdIov.Engine.Hardware.Pci;

/// <summary>Writes PCI addresses in their kernel form (<c>0000:6b:00.0</c>) and parses them strictly.</summary>
public sealed class PciAddressJsonConverter : JsonConverter<PciAddress>
{
    public override PciAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PciAddress.TryParse(reader.GetString(), out var address) ? address : throw new JsonException("expected a PCI address such as 0000:6b:00.0");

    public override void Write(Utf8JsonWriter writer, PciAddress value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
