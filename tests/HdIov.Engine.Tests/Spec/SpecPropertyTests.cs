using System.Text.RegularExpressions;
using CsCheck;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Tests.Spec;

/// <summary>
/// Generated documents through the loader: 3,000 valid models written by SpecWriter round-trip to an equal model;
/// 5,000 mutations of them (lines deleted, duplicated or swapped, keys renamed, values replaced by other types,
/// random text inserted, truncation) and 2,000 random strings never make the loader throw, and every diagnostic
/// has a code and a position inside the text.
/// </summary>
public sealed partial class SpecPropertyTests
{
    private const string File = "generated.yaml";

    private static readonly string[] Replacements =
        ["", "~", "null", "true", "no", "-1", "4097", "1.5", "0x10", "99999999999999999999", "\"x\"", "[1, [2]]", "{a: 1}", "&a x", "*a", "!!int 3", "|\n  block", "\"\\0\"", "..", "../../etc", "0000:6b:00.٣", "\"\\u2028\"", "'", "\"", "{", "]"];

    private static readonly Gen<string> Noise = Gen.String[Gen.Frequency((3, Gen.Char[":-[]{}\"'#&*!|>%@`,?\t\n \\0123abc"]), (1, Gen.Char)), 1, 12];

    private static readonly Gen<string> Mutated = Gen.Select(SpecGenerators.Host, Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Noise)
        .Select(t => Mutate(SpecWriter.Write(t.Item1), t.Item2, t.Item3, t.Item4, t.Item5));

    [Fact]
    public void WriteThenLoad_GeneratedModel_GivesAnEqualModel()
    {
        SpecGenerators.Host.Sample(
            spec =>
            {
                var text = SpecWriter.Write(spec);
                var result = SpecLoader.LoadText(text, File);
                Assert.True(result.Succeeded, text + "\n" + string.Join("\n", result.Diagnostics));
                Assert.Empty(result.Diagnostics);
                Assert.Equal(SpecComparison.Canonical(spec), SpecComparison.Canonical(result.Spec!));
            },
            iter: 3_000,
            print: SpecWriter.Write);
    }

    [Fact]
    public void LoadText_MutatedDocument_NeverThrowsAndLocatesEveryDiagnostic()
    {
        Mutated.Sample(AssertWellBehaved, iter: 5_000, print: text => text);
    }

    [Fact]
    public void LoadText_RandomText_NeverThrowsAndLocatesEveryDiagnostic()
    {
        Gen.Frequency((1, Gen.String), (1, Noise.Array[1, 20].Select(string.Concat))).Sample(AssertWellBehaved, iter: 2_000, print: text => text);
    }

    private static void AssertWellBehaved(string text)
    {
        var result = SpecLoader.LoadText(text, File);

        var lines = LineBreaks().Split(text);
        Assert.All(result.Diagnostics, diagnostic =>
        {
            Assert.Matches(CodePattern(), diagnostic.Code);
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
            var at = Assert.IsType<HdIov.Engine.Diagnostics.SourceLocation>(diagnostic.Location);
            Assert.Equal(File, at.File);
            Assert.InRange(at.Line, 1, lines.Length);
            Assert.InRange(at.Column, 1, lines[at.Line - 1].Length + 1);
        });
        if (result.Succeeded)
        {
            var again = SpecLoader.LoadText(SpecWriter.Write(result.Spec!), File);
            Assert.True(again.Succeeded);
            Assert.Equal(SpecComparison.Canonical(result.Spec!), SpecComparison.Canonical(again.Spec!));
        }
        else
        {
            Assert.Null(result.Spec);
            Assert.Contains(result.Diagnostics, d => d.IsError);
        }
    }

    private static string Mutate(string text, int kind, int position, int other, string noise)
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

    [GeneratedRegex(@"^HDIOV1\d{3}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("\r\n|[\r\n\u0085\u2028\u2029]")]
    private static partial Regex LineBreaks();
}
