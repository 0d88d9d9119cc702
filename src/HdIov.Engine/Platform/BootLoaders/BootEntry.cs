using System.Text;

namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>
/// One Boot Loader Specification entry (<c>/boot/loader/entries/*.conf</c>): lines of a key, whitespace and a value;
/// <c>#</c> starts a comment. Only the <c>options</c> line is rewritten; every other line is kept as it is.
/// </summary>
internal sealed class BootEntry
{
    public const string Directory = "/boot/loader/entries";

    private readonly List<string> _lines;

    private BootEntry(string fileName, List<string> lines)
    {
        FileName = fileName;
        _lines = lines;
    }

    public string FileName { get; }

    public string Path => $"{Directory}/{FileName}";

    public string? Version => Value("version");

    public string? Linux => Value("linux");

    public string? Title => Value("title");

    public string Options => Value("options") ?? string.Empty;

    public IEnumerable<string> Initrds => Values("initrd");

    public static BootEntry Parse(string fileName, string text) => new(fileName, [.. text.Split('\n')]);

    /// <summary>Whether this entry boots <paramref name="kernelRelease"/>: its version, or the image its linux line names.</summary>
    public bool Boots(string kernelRelease) =>
        Version == kernelRelease
        || (Linux is { } linux && (linux.EndsWith("vmlinuz-" + kernelRelease, StringComparison.Ordinal) || linux.EndsWith($"/{kernelRelease}/linux", StringComparison.Ordinal)));

    public string? Value(string key) => Values(key).Cast<string?>().FirstOrDefault();

    public BootEntry WithOptions(string options)
    {
        var lines = _lines.ToList();
        var index = lines.FindIndex(l => KeyOf(l) == "options");
        var line = "options " + options;
        if (index >= 0)
        {
            lines[index] = line;
        }
        else
        {
            var end = lines.Count > 0 && lines[^1].Length == 0 ? lines.Count - 1 : lines.Count;
            lines.Insert(end, line);
        }

        return new BootEntry(FileName, lines);
    }

    public string Text()
    {
        var text = new StringBuilder(string.Join('\n', _lines));
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }

        return text.ToString();
    }

    private IEnumerable<string> Values(string key) =>
        _lines.Where(l => KeyOf(l) == key).Select(l => l.Trim()[key.Length..].Trim());

    private static string? KeyOf(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed[0] == '#')
        {
            return null;
        }

        var end = trimmed.IndexOfAny([' ', '\t']);
        return end < 0 ? trimmed : trimmed[..end];
    }
}
