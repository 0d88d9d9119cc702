using System.Text.Json;
using System.Text.Json.Nodes;

namespace HdIov.Engine.Simulation;

/// <summary>
/// The profiles shipped with the engine, loaded from its embedded Profiles/*.json. A profile may name another in
/// <c>extends</c> and give only the top-level properties that differ (the same hardware under another distribution).
/// </summary>
public static class SimulatedHostProfiles
{
    private const string ResourcePrefix = "HdIov.Engine.Simulation.Profiles.";

    private static readonly Lazy<IReadOnlyList<SimulatedHostProfile>> Loaded = new(LoadAll);

    public static IReadOnlyList<SimulatedHostProfile> All => Loaded.Value;

    public static SimulatedHostProfile Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(p => p.Name == name)
            ?? throw new ArgumentException(
                $"no simulated host profile named '{Host.HostPath.Printable(name)}'; valid names: {string.Join(", ", All.Select(p => p.Name))}",
                nameof(name));
    }

    internal static SimulatedHostProfile Parse(string json, string source)
    {
        ProfileData data;
        try
        {
            data = JsonSerializer.Deserialize(json, SimulationJsonContext.Default.ProfileData)
                ?? throw new FormatException($"simulated host profile {source} is empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"simulated host profile {source} is malformed at {e.Path}: {e.Message}", e);
        }

        foreach (var function in data.Functions)
        {
            if (!data.Templates.ContainsKey(function.Template))
            {
                throw new FormatException($"simulated host profile {source}: function {function.Address} names template '{function.Template}', which is not defined");
            }
        }

        return new SimulatedHostProfile(data.Name, data.Description, data.KernelRelease, data.Cpu.Brand, data.Grub.CmdlineLinux) { Data = data };
    }

    /// <summary>Resolves <c>extends</c>: the base profile's top-level properties, replaced by those the extending profile gives.</summary>
    internal static string Extend(string json, string source, Func<string, string?> baseJson, int depth = 0)
    {
        if (depth > 8)
        {
            throw new FormatException($"simulated host profile {source}: extends goes round in a circle");
        }

        if (JsonNode.Parse(json) is not JsonObject profile || !profile.TryGetPropertyValue("extends", out var extends))
        {
            return json;
        }

        var name = extends?.GetValue<string>() ?? throw new FormatException($"simulated host profile {source}: extends must name a profile");
        var text = baseJson(name) ?? throw new FormatException($"simulated host profile {source} extends '{name}', which is not a profile");
        if (JsonNode.Parse(Extend(text, name, baseJson, depth + 1)) is not JsonObject merged)
        {
            throw new FormatException($"simulated host profile {name} is not a JSON object");
        }

        foreach (var (key, value) in profile.Where(p => p.Key != "extends").ToList())
        {
            profile.Remove(key);
            merged[key] = value;
        }

        return merged.ToJsonString();
    }

    private static List<SimulatedHostProfile> LoadAll()
    {
        var assembly = typeof(SimulatedHostProfiles).Assembly;
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            texts[resource[ResourcePrefix.Length..]] = reader.ReadToEnd();
        }

        return [.. texts.Select(t => Parse(Extend(t.Value, t.Key, name => texts.GetValueOrDefault(name + ".json")), t.Key))];
    }
}
