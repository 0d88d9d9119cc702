using System.Collections.Immutable;
using System.Globalization;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>
/// QAT 4xxx with the out-of-tree driver: a PF offers one mdev type per enabled service
/// (<c>4xxx-vqat_sym</c>, <c>4xxx-vqat_asym</c>, <c>4xxx-vqat_dc</c>); <c>[SIOV] NumberAdis</c> in
/// <c>/etc/4xxx_devN.conf</c> sets how many ADIs exist, split evenly across the enabled services; ADIs and
/// kernel instances share the PF's 64 ring-pair banks; a restart of <c>qat_devN</c> applies the file and
/// re-registers the parent, destroying its mdevs.
/// </summary>
public static class QatSiovBackend
{
    public const int RingPairBanks = 64;

    public static readonly ImmutableArray<string> Services = ["sym", "asym", "dc"];

    private const string TypeMarker = "-vqat_";

    public static string TypeId(string driver, string service) => $"{driver}{TypeMarker}{service}";

    /// <summary>The service of a vQAT type id (<c>4xxx-vqat_sym</c> gives <c>sym</c>), or null for another type.</summary>
    public static string? ServiceOf(string typeId)
    {
        var marker = typeId.IndexOf(TypeMarker, StringComparison.Ordinal);
        return marker >= 0 ? typeId[(marker + TypeMarker.Length)..] : null;
    }

    public static string ConfigPath(int index) => QatConfigParser.PathOf(index);

    public static string DeviceName(int index) => string.Create(CultureInfo.InvariantCulture, $"qat_dev{index}");

    /// <summary>Banks left for ADIs once the kernel instances have theirs.</summary>
    public static int MaxAdis(QatDeviceConfig config) => RingPairBanks - config.KernelCyInstances - config.KernelDcInstances;

    /// <summary>ADIs per service for a given NumberAdis and service count.</summary>
    public static int PerService(int numberAdis, int serviceCount) => serviceCount == 0 ? 0 : numberAdis / serviceCount;

    /// <summary>
    /// The config file with <c>ServicesEnabled</c> and <c>NumberAdis</c> replaced; every other line, section and
    /// comment is kept as the administrator wrote it.
    /// </summary>
    public static string RewriteConfig(string text, IReadOnlyList<string> services, int numberAdis)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        SetKey(lines, "GENERAL", "ServicesEnabled", string.Join(';', services));
        SetKey(lines, "SIOV", "NumberAdis", numberAdis.ToString(CultureInfo.InvariantCulture));
        var result = string.Join('\n', lines);
        return result.EndsWith('\n') ? result : result + "\n";
    }

    private static void SetKey(List<string> lines, string section, string key, string value)
    {
        var sectionStart = lines.FindIndex(l => l.Trim().Equals($"[{section}]", StringComparison.OrdinalIgnoreCase));
        if (sectionStart < 0)
        {
            if (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            lines.AddRange([string.Empty, $"[{section}]", $"{key} = {value}", string.Empty]);
            return;
        }

        var sectionEnd = lines.FindIndex(sectionStart + 1, l => l.TrimStart().StartsWith('['));
        if (sectionEnd < 0)
        {
            sectionEnd = lines.Count;
        }

        for (var i = sectionStart + 1; i < sectionEnd; i++)
        {
            var line = lines[i];
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.TrimStart().StartsWith('#') && line[..equals].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                lines[i] = $"{key} = {value}";
                return;
            }
        }

        var insertAt = sectionEnd;
        while (insertAt > sectionStart + 1 && lines[insertAt - 1].Trim().Length == 0)
        {
            insertAt--;
        }

        lines.Insert(insertAt, $"{key} = {value}");
    }
}
