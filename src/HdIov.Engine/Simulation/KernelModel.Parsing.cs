using System.Globalization;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>The kernel model: parsing as the kernel does.</summary>
internal sealed partial class KernelModel
{
    /// <summary>kstrtoul with base 0: decimal, 0x-hex or 0-octal, one optional trailing newline.</summary>
    internal static bool TryParseKernelNumber(string value, out ulong number)
    {
        number = 0;
        var text = value.EndsWith('\n') ? value[..^1] : value;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return text.Length > 2 && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
        }

        if (text.Length > 1 && text[0] == '0')
        {
            try
            {
                number = text.All(c => c is >= '0' and <= '7') ? Convert.ToUInt64(text, 8) : throw new FormatException();
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return text.All(char.IsAsciiDigit) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>uuid_parse: 8-4-4-4-12 hex digits in either case; the result in the kernel's lower-case form.</summary>
    internal static bool TryParseUuid(string text, out string uuid)
    {
        uuid = string.Empty;
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < 36; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        uuid = text.ToLowerInvariant();
        return true;
    }

    private static Errno ParseErrno(string name) =>
        Enum.TryParse<Errno>(name, out var errno) ? errno : throw new FormatException($"profile exhaustedErrno '{name}' is not an errno name");

    [System.Text.RegularExpressions.GeneratedRegex("^qat_dev([0-9]{1,3})$")]
    private static partial System.Text.RegularExpressions.Regex QatDevice();
}
