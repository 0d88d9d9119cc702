using System.Text.RegularExpressions;
using CsCheck;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// Damage done to valid documents for property tests: lines deleted, duplicated or swapped, keys renamed, values
/// replaced by other types or hostile text, random text inserted, truncation.
/// </summary>
public static partial class SpecMutations
{
    private static readonly string[] Replacements =
        ["", "~", "null", "true", "no", "-1", "4097", "1.5", "0x10", "99999999999999999999", "\"x\"", "[1, [2]]", "{a: 1}", "&a x", "*a", "!!int 3", "|\n  block", "\"\\0\"", "..", "../../etc", "0000:6b:00.٣", "\"\\u2028\"", "'", "\"", "{", "]"];

    public static readonly Gen<string> Noise = Gen.String[Gen.Frequency((3, Gen.Char[":-[]{}\"'#&*!|>%@`,?\t\n \\0123abc"]), (1, Gen.Char)), 1, 12];

    /// <summary>Documents from <paramref name="documents"/>, each damaged in one of eight ways.</summary>
    public static Gen<string> Mutated(Gen<string> documents) =>
        Gen.Select(documents, Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Noise)
            .Select(t => Mutate(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5));

    public static string Mutate(string text, int kind, int position, int other, string noise)
    {
        var lines = text.Split('\n').ToList();
        var line = position % lines.Count;
        switch (kind)
        {
            case 0:
                lines.RemoveAt(line);
                break;
            case 1:
                lines.Insert(line, lines[line]);
                break;
            case 2:
                (lines[line], lines[other % lines.Count]) = (lines[other % lines.Count], lines[line]);
                break;
            case 3:
                lines[line] = KeyPattern().Replace(lines[line], m => m.Groups["key"].Length > 1 ? m.Value.Remove(other % m.Groups["key"].Length, 1) : "x" + m.Value, 1);
                break;
            case 4:
                lines[line] = ValuePattern().Replace(lines[line], m => m.Groups["lead"].Value + Replacements[other % Replacements.Length], 1);
                break;
            case 5:
                return text[..(position % (text.Length + 1))];
            default:
                var at = position % (text.Length + 1);
                return text[..at] + noise + text[at..];
        }

        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"\b(?<key>[A-Za-z][A-Za-z0-9]*):")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"(?<lead>: )[^,}\]\n]+")]
    private static partial Regex ValuePattern();
}
