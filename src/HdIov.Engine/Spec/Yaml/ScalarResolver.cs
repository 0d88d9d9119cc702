using System.Text.RegularExpressions;

namespace HdIov.Engine.Spec.Yaml;

/// <summary>
/// Resolves plain scalars by the YAML 1.2 core schema, the same rules JSON-Schema-aware editors apply, so the loader
/// and the schema agree on what <c>8086</c> (a number) and <c>"8086"</c> (text) are.
/// </summary>
internal static partial class ScalarResolver
{
    public static ScalarKind Resolve(string plain) => plain switch
    {
        "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
        "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
        _ when IntegerPattern().IsMatch(plain) => ScalarKind.Integer,
        _ when FloatPattern().IsMatch(plain) => ScalarKind.Float,
        _ => ScalarKind.String,
    };

    public static bool IsDecimalInteger(string plain) => DecimalPattern().IsMatch(plain);

    [GeneratedRegex(@"\A(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"\A[-+]?[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"\A(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
