using System.Globalization;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Spec.Yaml;

/// <summary>Typed reads of single nodes; a node of the wrong type is one located HDIOV1006 and a null result.</summary>
internal static class NodeReader
{
    public static Located<string>? Text(SpecNode node, string path, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case SpecRejected:
                return null;
            case SpecScalar { Kind: ScalarKind.String } scalar:
                return new Located<string>(scalar.Value, scalar.Location, path);
            case SpecScalar { Kind: ScalarKind.Null } scalar:
                diagnostics.Error(DiagnosticCodes.InvalidValue, scalar.Location, path, $"{SpecPath.Describe(SpecPath.Last(path))} has no value", "give it a value, or remove the key");
                return null;
            case SpecScalar scalar:
                diagnostics.Error(
                    DiagnosticCodes.InvalidValue,
                    scalar.Location,
                    path,
                    $"{SpecPath.Describe(SpecPath.Last(path))} must be text, not {scalar.Describe()}",
                    $"quote it: \"{SpecText.Show(scalar.Value)}\"");
                return null;
            default:
                WrongShape(node, path, "text", diagnostics);
                return null;
        }
    }

    public static Located<long>? Integer(SpecNode node, string path, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case SpecRejected:
                return null;
            case SpecScalar { Kind: ScalarKind.Integer } scalar when ScalarResolver.IsDecimalInteger(scalar.Value):
                if (long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    return new Located<long>(value, scalar.Location, path);
                }

                diagnostics.Error(DiagnosticCodes.InvalidValue, scalar.Location, path, $"{SpecPath.Describe(SpecPath.Last(path))} is out of range: {SpecText.Show(scalar.Value)}", "use a smaller number");
                return null;
            case SpecScalar { Kind: ScalarKind.Integer } scalar:
                diagnostics.Error(DiagnosticCodes.InvalidValue, scalar.Location, path, $"{SpecPath.Describe(SpecPath.Last(path))} must be a decimal number, not {SpecText.Show(scalar.Value)}", "write the number in decimal digits");
                return null;
            case SpecScalar scalar:
                diagnostics.Error(
                    DiagnosticCodes.InvalidValue,
                    scalar.Location,
                    path,
                    $"{SpecPath.Describe(SpecPath.Last(path))} must be a whole number, not {scalar.Describe()}",
                    scalar.IsPlain ? "write a whole number such as 4" : "remove the quotes around the number");
                return null;
            default:
                WrongShape(node, path, "a whole number", diagnostics);
                return null;
        }
    }

    public static Located<bool>? Boolean(SpecNode node, string path, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case SpecRejected:
                return null;
            case SpecScalar { Kind: ScalarKind.Boolean } scalar:
                return new Located<bool>(scalar.Value is "true" or "True" or "TRUE", scalar.Location, path);
            case SpecScalar scalar:
                diagnostics.Error(
                    DiagnosticCodes.InvalidValue,
                    scalar.Location,
                    path,
                    $"{SpecPath.Describe(SpecPath.Last(path))} must be true or false, not {scalar.Describe()}",
                    scalar.IsPlain ? "write true or false" : "write true or false without quotes");
                return null;
            default:
                WrongShape(node, path, "true or false", diagnostics);
                return null;
        }
    }

    public static SpecSequence? Sequence(SpecNode node, string path, DiagnosticBag diagnostics) =>
        Expect<SpecSequence>(node, path, "a list", diagnostics);

    public static SpecMapping? Mapping(SpecNode node, string path, DiagnosticBag diagnostics) =>
        Expect<SpecMapping>(node, path, "a mapping of keys to values", diagnostics);

    /// <summary>The node as <typeparamref name="T"/>, or null; a node already rejected is not reported twice.</summary>
    private static T? Expect<T>(SpecNode node, string path, string expected, DiagnosticBag diagnostics)
        where T : SpecNode
    {
        if (node is T match)
        {
            return match;
        }

        if (node is not SpecRejected)
        {
            WrongShape(node, path, expected, diagnostics);
        }

        return null;
    }

    private static void WrongShape(SpecNode node, string path, string expected, DiagnosticBag diagnostics)
    {
        var hint = expected switch
        {
            "a list" => "write a list, e.g. [a, b] or one '- item' per line; remove the key if there is nothing to list",
            "a mapping of keys to values" => "write 'key: value' pairs indented under the key, or { key: value }",
            _ => $"write {expected} as a single value",
        };
        diagnostics.Error(DiagnosticCodes.InvalidValue, node.Location, path, $"{SpecPath.Describe(SpecPath.Last(path))} must be {expected}, not {node.Describe()}", hint);
    }
}
