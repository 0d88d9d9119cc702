using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecLoaderVersionTests
{
    [Fact]
    public void LoadText_WrongApiVersionWithOtherProblems_ReportsOnlyTheVersion()
    {
        var diagnostic = SpecAssert.Single(
            """
            kind: HostState
            apiVersion: hdiov.dev/v2
            metadata: { nmae: x }
            bogus: 1
            """,
            DiagnosticCodes.UnsupportedApiVersion,
            "apiVersion",
            2,
            13);

        Assert.Contains("hdiov.dev/v1alpha1", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_MissingApiVersion_ReportsItAtTheDocumentStart()
    {
        SpecAssert.Single(
            """
            kind: HostState
            metadata: { name: x }
            """,
            DiagnosticCodes.UnsupportedApiVersion,
            "apiVersion",
            1,
            1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("- a list\n")]
    [InlineData("just text")]
    public void LoadText_NoMapping_ReportsMissingApiVersion(string yaml)
    {
        var result = SpecAssert.Load(yaml);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnsupportedApiVersion, diagnostic.Code);
        Assert.Equal(1, diagnostic.Location!.Line);
    }

    [Fact]
    public void LoadText_ApiVersionIsANumber_ReportsTheVersion()
    {
        SpecAssert.Single("apiVersion: 1\nkind: HostState\n", DiagnosticCodes.UnsupportedApiVersion, "apiVersion", 1, 13);
    }

    [Fact]
    public void LoadText_WrongKind_ReportsOnlyTheKind()
    {
        SpecAssert.Single(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: FleetState
            spec: { waves: 3 }
            """,
            DiagnosticCodes.UnsupportedKind,
            "kind",
            2,
            7);
    }

    [Fact]
    public void LoadText_MissingKind_ReportsItAtTheDocumentStart()
    {
        SpecAssert.Single("apiVersion: hdiov.dev/v1alpha1\nmetadata: { name: x }\n", DiagnosticCodes.UnsupportedKind, "kind", 1, 1);
    }
}
