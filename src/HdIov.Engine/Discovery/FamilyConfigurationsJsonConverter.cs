using System.Text.Json;
using System.Text.Json.Serialization;
using HdIov.Engine.Families;

namespace HdIov.Engine.Discovery;

/// <summary>
/// <see cref="FamilyConfigurations"/> as <c>[{ "family": name, "files": [{ "path": ..., "text": ... }] }]</c>; reading
/// asks the named family to parse its files again, so no family's types appear here.
/// </summary>
internal sealed class FamilyConfigurationsJsonConverter : JsonConverter<FamilyConfigurations>
{
    public override FamilyConfigurations Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var entries = JsonSerializer.Deserialize<List<Entry>>(ref reader, options) ?? [];
        var configurations = new List<FamilyConfiguration>();
        foreach (var entry in entries)
        {
            var family = DeviceFamilies.All.FirstOrDefault(f => f.Name == entry.Family)
                ?? throw new JsonException($"no device family is named '{entry.Family}'");
            if (family.ConfigurationOf(entry.Files.Select(f => (f.Path, f.Text))) is { } configuration)
            {
                configurations.Add(configuration);
            }
        }

        return new FamilyConfigurations(configurations);
    }

    public override void Write(Utf8JsonWriter writer, FamilyConfigurations value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(
            writer,
            value.All.Select(c => new Entry(c.Family, [.. c.Files.Select(f => new FileEntry(f.Path, f.Text))])).ToList(),
            options);

    private sealed record Entry(string Family, List<FileEntry> Files);

    private sealed record FileEntry(string Path, string Text);
}
