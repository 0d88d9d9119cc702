namespace HdIov.Engine.Platform;

/// <summary>
/// <c>/etc/default/grub</c> is a shell fragment; the engine reads and rewrites only its
/// <c>GRUB_CMDLINE_LINUX="..."</c> line (arguments for every boot entry) and keeps every other line as it is.
/// </summary>
public static class GrubDefaults
{
    private const string Key = "GRUB_CMDLINE_LINUX=";

    public static string? CommandLine(string text)
    {
        string? value = null;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(Key, StringComparison.Ordinal))
            {
                value = Unquote(trimmed[Key.Length..]);
            }
        }

        return value;
    }

    public static string WithCommandLine(string text, string commandLine)
    {
        var replacement = $"{Key}\"{commandLine}\"";
        var lines = text.Split('\n').ToList();
        var index = lines.FindLastIndex(l => l.Trim().StartsWith(Key, StringComparison.Ordinal));
        if (index >= 0)
        {
            lines[index] = replacement;
        }
        else
        {
            if (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            lines.Add(replacement);
            lines.Add(string.Empty);
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// Merges arguments into a command line: an argument replaces one with the same key (text before <c>=</c>),
    /// otherwise it is appended; order and everything else are kept.
    /// </summary>
    public static string Merge(string current, IEnumerable<string> wanted)
    {
        var tokens = current.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var argument in wanted)
        {
            var key = KeyOf(argument);
            var index = tokens.FindIndex(t => KeyOf(t) == key);
            if (index >= 0)
            {
                tokens[index] = argument;
            }
            else
            {
                tokens.Add(argument);
            }
        }

        return string.Join(' ', tokens);
    }

    public static string KeyOf(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? argument : argument[..equals];
    }

    private static string Unquote(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length >= 2 && (trimmed[0] is '"' or '\'') && trimmed[^1] == trimmed[0] ? trimmed[1..^1] : trimmed;
    }
}
