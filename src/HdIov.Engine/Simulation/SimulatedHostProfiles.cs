using System.Text.Json;

namespace HdIov.Engine.Simulation;

/// <summary>The profiles shipped with the engine, loaded from its embedded Profiles/*.json.</summary>
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

    private static List<SimulatedHostProfile> LoadAll()
    {
        var assembly = typeof(SimulatedHostProfiles).Assembly;
        var profiles = new List<SimulatedHostProfile>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            profiles.Add(Parse(reader.ReadToEnd(), resource[ResourcePrefix.Length..]));
        }

        return profiles;
    }
}
