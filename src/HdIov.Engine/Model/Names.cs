namespace HdIov.Engine.Model;

/// <summary>The rules names from specs and users must meet before they reach a path or a UUID.</summary>
public static class Names
{
    public const int MaxLength = 63;

    /// <summary>Device, host and VM names: a letter or digit first, then letters, digits, '-', '_' or '.'; no dot-segments.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && IsAsciiLetterOrDigit(name[0])
        && name.All(c => IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
        && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>mdev type names as the kernel forms them (<c>driver-type</c>): same alphabet, up to 64 characters.</summary>
    public static bool IsValidTypeName(string? name) =>
        name is { Length: > 0 and <= 64 }
        && IsAsciiLetterOrDigit(name[0])
        && name.All(c => IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
        && !name.Contains("..", StringComparison.Ordinal);

    private static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c);
}
