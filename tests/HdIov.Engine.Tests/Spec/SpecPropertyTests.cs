using System.Text.RegularExpressions;
using CsCheck;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Spec;

/// <summary>
/// Generated documents through the loader: 3,000 valid models written by SpecWriter round-trip to an equal model;
/// 5,000 mutations of them (lines deleted, duplicated or swapped, keys renamed, values replaced by other types,
/// random text inserted, truncation) and 2,000 random strings never make the loader throw, and every diagnostic
/// has a code and a position inside the text.
/// </summary>
[Trait("Category", "Spec")]
[Trait("Category", "Laws")]
public sealed partial class SpecPropertyTests
{
    private const string File = "generated.yaml";

    private static readonly Gen<string> Mutated = SpecMutations.Mutated(SpecGenerators.Host.Select(SpecWriter.Write));

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
        Gen.Frequency((1, Gen.String), (1, SpecMutations.Noise.Array[1, 20].Select(string.Concat))).Sample(AssertWellBehaved, iter: 2_000, print: text => text);
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

    [GeneratedRegex(@"^HDIOV1\d{3}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("\r\n|[\r\n\u0085\u2028\u2029]")]
    private static partial Regex LineBreaks();
}
