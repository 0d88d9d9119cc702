using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecLoaderYamlTests
{
    [Fact]
    public void LoadText_UnclosedFlowSequence_ReportsSyntaxErrorWithPosition()
    {
        SpecAssert.Single(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata:
              name: [node
            """,
            DiagnosticCodes.YamlSyntax,
            null,
            4,
            14);
    }

    [Fact]
    public void LoadText_TabIndentation_ReportsSyntaxError()
    {
        var result = SpecAssert.Load("apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata:\n\tname: x\n");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, diagnostic.Code);
        Assert.Equal(4, diagnostic.Location!.Line);
    }

    [Fact]
    public void LoadText_SecondDocument_IsRejectedAtItsMarker()
    {
        SpecAssert.Single(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata: { name: a }
            spec: {}
            ---
            apiVersion: hdiov.dev/v1alpha1
            """,
            DiagnosticCodes.MultipleDocuments,
            null,
            5,
            1);
    }

    [Fact]
    public void LoadText_AnchorAndAlias_AreRejected()
    {
        var result = SpecAssert.Load(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata: { name: a }
            spec:
              devices:
                - name: one
                  select: &pf { driver: 4xxx }
                  mode: none
                - name: two
                  select: *pf
                  mode: none
            """);

        Assert.Null(result.Spec);
        Assert.Equal(2, result.Diagnostics.Length);
        SpecAssert.AssertIs(result.Diagnostics[0], DiagnosticCodes.UnsupportedYamlFeature, null, 7, 15);
        SpecAssert.AssertIs(result.Diagnostics[1], DiagnosticCodes.UnsupportedYamlFeature, null, 10, 15);
    }

    [Fact]
    public void LoadText_ExplicitTag_IsRejected()
    {
        var result = SpecAssert.Load("apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: !!str 123 }\nspec: {}\n");

        SpecAssert.AssertIs(Assert.Single(result.Diagnostics), DiagnosticCodes.UnsupportedYamlFeature, null, 3, 19);
    }

    [Fact]
    public void LoadText_DuplicateKey_IsReportedAtTheSecondKey()
    {
        var diagnostic = SpecAssert.Single(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata:
              name: a
              name: b
            spec: {}
            """,
            DiagnosticCodes.DuplicateKey,
            "metadata.name",
            5,
            3);

        Assert.Contains("line 4", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_UnknownKey_IsReportedAtTheKeyWithClosestName()
    {
        var diagnostic = SpecAssert.Single(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata: { name: a }
            spec:
              devices:
                - name: nic
                  select: { pciAddress: "0000:16:00.0" }
                  mode: siov
                  vdevs: { ice-vdcm: 1 }
                  ownrship: adopt
            """,
            DiagnosticCodes.UnknownKey,
            "spec.devices[0].ownrship",
            10,
            7);

        Assert.StartsWith("did you mean 'ownership'?", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_UnknownKeyFarFromAnyName_ListsTheAllowedKeys()
    {
        var diagnostic = SpecAssert.Single(
            "apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: a }\nspec: { zzzzzz: 1 }\n",
            DiagnosticCodes.UnknownKey,
            "spec.zzzzzz",
            4,
            9);

        Assert.Equal("allowed keys here: platform, devices, attachments", diagnostic.Hint);
    }

    [Fact]
    public void LoadText_ComplexKey_IsRejected()
    {
        SpecAssert.Single(
            "apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: a }\nspec: { [a, b]: 1 }\n",
            DiagnosticCodes.InvalidValue,
            "spec",
            4,
            9);
    }

    [Fact]
    public void LoadText_ManyIndependentProblems_ReportsEveryOneInDocumentOrder()
    {
        var result = SpecAssert.Load(
            """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata: { name: "bad name" }
            spec:
              platform:
                iommu: { mode: scalabel }
              devices:
                - name: qat
                  select: { pciAddress: "0000:6b:00.8" }
                  mode: siov
                  vdevs: { asym: 5000 }
              attachments:
                - vdevs: [ nic/0/ice-vdcm/0 ]
                  container: { cdi: yes }
            """);

        Assert.Equal(
            [
                (DiagnosticCodes.InvalidName, 3, 19),
                (DiagnosticCodes.InvalidValue, 6, 20),
                (DiagnosticCodes.InvalidPciAddress, 9, 29),
                (DiagnosticCodes.InvalidValue, 11, 22),
                (DiagnosticCodes.UnknownReference, 13, 16),
                (DiagnosticCodes.InvalidValue, 14, 25),
            ],
            result.Diagnostics.Select(d => (d.Code, d.Location!.Line, d.Location.Column)));
    }
}
