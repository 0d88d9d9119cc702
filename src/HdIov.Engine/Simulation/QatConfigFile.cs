using System.Globalization;

namespace HdIov.Engine.Simulation;

/// <summary>What the out-of-tree QAT driver reads from /etc/4xxx_devN.conf at start (INI sections, key = value, # comments).</summary>
internal sealed record QatConfigFile(IReadOnlyList<string> Services, int NumberAdis, int KernelInstances)
{
    public static readonly string[] KnownServices = ["sym", "asym", "dc"];

    public static string Template() =>
        "[GENERAL]\n"
        + "ServicesEnabled = asym;dc\n"
        + "ConfigVersion = 2\n"
        + "\n"
        + "[KERNEL]\n"
        + "NumberCyInstances = 0\n"
        + "NumberDcInstances = 0\n"
        + "\n"
        + "[SSL]\n"
        + "NumberCyInstances = 2\n"
        + "NumberDcInstances = 2\n"
        + "NumProcesses = 1\n"
        + "LimitDevAccess = 0\n"
        + "\n"
        + "[SIOV]\n"
        + "NumberAdis = 0\n";

    /// <summary>Parses the file; a problem comes back as the message adf_ctl would print.</summary>
    public static (QatConfigFile? Config, string? Error) Parse(string text, string path)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                current = sections.TryGetValue(line[1..^1], out var existing) ? existing : sections[line[1..^1]] = new(StringComparer.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (current is null || equals < 0)
            {
                return (null, $"Error parsing {path}: unexpected line '{line}'");
            }

            current[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        string Get(string section, string key, string fallback) =>
            sections.TryGetValue(section, out var s) && s.TryGetValue(key, out var v) ? v : fallback;

        var services = Get("GENERAL", "ServicesEnabled", string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (services.Length == 0 || services.Any(s => !KnownServices.Contains(s)) || services.Distinct().Count() != services.Length)
        {
            return (null, $"Error in {path}: ServicesEnabled must list sym, asym and/or dc separated by ';'");
        }

        if (!TryNumber(Get("SIOV", "NumberAdis", "0"), out var adis)
            || !TryNumber(Get("KERNEL", "NumberCyInstances", "0"), out var cy)
            || !TryNumber(Get("KERNEL", "NumberDcInstances", "0"), out var dc))
        {
            return (null, $"Error in {path}: NumberAdis, NumberCyInstances and NumberDcInstances must be non-negative numbers");
        }

        return (new QatConfigFile(services, adis, cy + dc), null);
    }

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= 4096;
}
