using System.Collections.Immutable;
using System.Globalization;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>
/// Reads the out-of-tree QAT driver's INI files (<c>[SECTION]</c>, <c>Key = Value</c>, <c>#</c> comments) into a
/// <see cref="QatDeviceConfig"/>. A number that is not a number is a <see cref="FormatException"/> naming the line.
/// </summary>
public static class QatConfigParser
{
    public const string FilePrefix = "4xxx_dev";
    public const string FileSuffix = ".conf";

    public static string PathOf(int index) => string.Create(CultureInfo.InvariantCulture, $"/etc/{FilePrefix}{index}{FileSuffix}");

    /// <summary>The device index of a file name like <c>4xxx_dev3.conf</c>, or null for any other name.</summary>
    public static int? IndexOf(string fileName)
    {
        if (!fileName.StartsWith(FilePrefix, StringComparison.Ordinal) || !fileName.EndsWith(FileSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var digits = fileName.AsSpan(FilePrefix.Length, fileName.Length - FilePrefix.Length - FileSuffix.Length);
        return digits.Length is > 0 and <= 4 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    public static QatDeviceConfig Parse(int index, string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = Sections(path, text);
        var services = Lookup(values, "GENERAL", "ServicesEnabled")?.Value
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToImmutableArray() ?? [];
        return new QatDeviceConfig(
            index,
            path,
            services,
            Number(values, path, "SIOV", "NumberAdis"),
            Number(values, path, "KERNEL", "NumberCyInstances"),
            Number(values, path, "KERNEL", "NumberDcInstances"),
            text);
    }

    /// <summary>The key/value pairs per section, in file order, with their line numbers.</summary>
    public static ImmutableDictionary<string, ImmutableArray<(string Key, string Value, int Line)>> Sections(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new Dictionary<string, List<(string, string, int)>>(StringComparer.Ordinal);
        List<(string, string, int)>? current = null;
        var lines = text.Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                var close = line.IndexOf(']', StringComparison.Ordinal);
                if (close < 2)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: section header '{Host.HostPath.Printable(line)}' is not closed by ']'"));
                }

                var name = line[1..close].Trim();
                if (!sections.TryGetValue(name, out current))
                {
                    current = [];
                    sections.Add(name, current);
                }

                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: '{Host.HostPath.Printable(line)}' is neither a [section] nor Key = Value"));
            }

            if (current is null)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: '{Host.HostPath.Printable(line)}' comes before any [section]"));
            }

            current.Add((line[..equals].Trim(), line[(equals + 1)..].Trim(), number));
        }

        return sections.ToImmutableDictionary(s => s.Key, s => s.Value.ToImmutableArray(), StringComparer.Ordinal);
    }

    private static (string Key, string Value, int Line)? Lookup(
        ImmutableDictionary<string, ImmutableArray<(string Key, string Value, int Line)>> sections, string section, string key)
    {
        if (!sections.TryGetValue(section, out var pairs))
        {
            return null;
        }

        foreach (var pair in pairs.Reverse())
        {
            if (pair.Key == key)
            {
                return pair;
            }
        }

        return null;
    }

    private static int Number(
        ImmutableDictionary<string, ImmutableArray<(string Key, string Value, int Line)>> sections, string path, string section, string key)
    {
        if (Lookup(sections, section, key) is not { } pair)
        {
            return 0;
        }

        return int.TryParse(pair.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}:{pair.Line}: [{section}] {key} = '{Host.HostPath.Printable(pair.Value)}' is not a whole number"));
    }
}
