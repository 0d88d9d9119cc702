using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Spec;

/// <summary>
/// Checks <c>apiVersion</c> and <c>kind</c> before anything else is read: a document of another version or kind is
/// one clear diagnostic, not a cascade of unknown-key errors from reading it with the wrong rules.
/// </summary>
internal static class VersionGate
{
    public static readonly string[] SupportedApiVersions = [HostSpec.ApiVersion];

    private static readonly string Supported = string.Join(", ", SupportedApiVersions);

    /// <summary>The one diagnostic that stops reading, or null when the document is a supported document of <paramref name="expectedKind"/>.</summary>
    public static Diagnostic? Check(SpecNode? root, string fileName, string expectedKind = HostSpec.Kind)
    {
        var start = new SourceLocation(fileName, 1, 1);
        if (root is not SpecMapping mapping)
        {
            return Refuse(
                DiagnosticCodes.UnsupportedApiVersion,
                root?.Location ?? start,
                "apiVersion",
                root is null ? "the document is empty" : $"the document is {root.Describe()}, not a {expectedKind} mapping",
                $"start the file with 'apiVersion: {HostSpec.ApiVersion}' and 'kind: {expectedKind}'");
        }

        var apiVersion = First(mapping, "apiVersion");
        if (apiVersion is null)
        {
            return Refuse(
                DiagnosticCodes.UnsupportedApiVersion,
                mapping.Location,
                "apiVersion",
                $"the document has no apiVersion; supported versions: {Supported}",
                $"add 'apiVersion: {HostSpec.ApiVersion}' as the first line");
        }

        if (apiVersion is not SpecScalar { Kind: ScalarKind.String } version || !SupportedApiVersions.Contains(version.Value))
        {
            var shown = apiVersion is SpecScalar scalar ? $"'{SpecText.Show(scalar.Value)}'" : apiVersion.Describe();
            return Refuse(
                DiagnosticCodes.UnsupportedApiVersion,
                apiVersion.Location,
                "apiVersion",
                $"apiVersion {shown} is not supported; supported versions: {Supported}",
                $"write 'apiVersion: {HostSpec.ApiVersion}' and check the document against docs/spec.md for that version");
        }

        var kind = First(mapping, "kind");
        if (kind is not SpecScalar { Kind: ScalarKind.String } kindText || kindText.Value != expectedKind)
        {
            var found = kind is null ? "the document has no kind" : kind is SpecScalar kindScalar ? $"kind '{SpecText.Show(kindScalar.Value)}' is not supported" : $"kind is {kind.Describe()}";
            return Refuse(
                DiagnosticCodes.UnsupportedKind,
                kind?.Location ?? mapping.Location,
                "kind",
                $"{found} here; this reads a {expectedKind} document",
                $"write 'kind: {expectedKind}', or load the document with the command for its kind");
        }

        return null;
    }

    private static SpecNode? First(SpecMapping mapping, string key) =>
        mapping.Entries.FirstOrDefault(e => e.Key is SpecScalar { Value: var text } && text == key)?.Value;

    private static Diagnostic Refuse(string code, SourceLocation location, string path, string message, string hint) =>
        new(code, DiagnosticSeverity.Error, message, hint, location, path);
}
