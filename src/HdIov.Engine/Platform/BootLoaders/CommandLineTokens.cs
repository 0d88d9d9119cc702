namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>A kernel command line as the tokens the kernel splits it into, and the edits between two of them.</summary>
internal static class CommandLineTokens
{
    public static string[] Split(string commandLine) => commandLine.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Whitespace collapsed to single spaces, as <c>tr -s "$IFS" ' '</c> does.</summary>
    public static string Normalize(string commandLine) => string.Join(' ', Split(commandLine));

    /// <summary>Tokens of <paramref name="after"/> that <paramref name="before"/> does not have: what must be added (or replace a token with the same key).</summary>
    public static List<string> Added(string before, string after)
    {
        var old = Split(before).ToHashSet(StringComparer.Ordinal);
        return [.. Split(after).Where(t => !old.Contains(t)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Tokens of <paramref name="before"/> that are gone in <paramref name="after"/> and not replaced by a token with the same key.</summary>
    public static List<string> Removed(string before, string after)
    {
        var kept = Split(after).ToHashSet(StringComparer.Ordinal);
        var keys = Split(after).Select(GrubDefaults.KeyOf).ToHashSet(StringComparer.Ordinal);
        return [.. Split(before).Where(t => !kept.Contains(t) && !keys.Contains(GrubDefaults.KeyOf(t))).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Applies the edit that turns <paramref name="before"/> into <paramref name="after"/> to another command line.</summary>
    public static string Carry(string target, string before, string after)
    {
        var removed = Removed(before, after).ToHashSet(StringComparer.Ordinal);
        var kept = string.Join(' ', Split(target).Where(t => !removed.Contains(t)));
        return GrubDefaults.Merge(kept, Added(before, after));
    }
}
