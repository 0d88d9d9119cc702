using HdIov.Engine.Diagnostics;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Tests.Spec;

/// <summary>Loads inline documents and checks their diagnostics by code, key path and position.</summary>
internal static class SpecAssert
{
    public const string File = "host.yaml";

    public static SpecLoadResult Load(string yaml) => SpecLoader.LoadText(yaml, File);

    public static Diagnostic Single(string yaml, string code, string? path, int line, int column)
    {
        var result = Load(yaml);
        Assert.Null(result.Spec);
        var diagnostic = Assert.Single(result.Diagnostics);
        AssertIs(diagnostic, code, path, line, column);
        return diagnostic;
    }

    public static void Has(SpecLoadResult result, string code, string? path, int line, int column)
    {
        Assert.Contains(
            result.Diagnostics,
            d => d.Code == code && d.KeyPath == path && d.Location is { } at && at.Line == line && at.Column == column);
    }

    public static void AssertIs(Diagnostic diagnostic, string code, string? path, int line, int column)
    {
        Assert.Equal((code, path, File, line, column), (diagnostic.Code, diagnostic.KeyPath, diagnostic.Location?.File, diagnostic.Location?.Line, diagnostic.Location?.Column));
        Assert.True(diagnostic.IsError);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    public static HdIov.Engine.Model.HostSpec Valid(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        return result.Spec!;
    }
}
