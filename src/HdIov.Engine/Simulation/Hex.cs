using System.Globalization;

namespace HdIov.Engine.Simulation;

/// <summary>Numbers in profiles are written as the kernel prints them: hex, with or without "0x".</summary>
internal static class Hex
{
    public static ulong Parse(string text, string what)
    {
        var trimmed = text.Trim();
        var ok = trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(trimmed.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            : ulong.TryParse(trimmed, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new FormatException($"profile value '{text}' for {what} is not a hex number");
    }

    public static int ParseInt(string text, string what) => checked((int)Parse(text, what));
}
