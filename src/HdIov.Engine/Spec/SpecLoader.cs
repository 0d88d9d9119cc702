using System.Collections.Immutable;
using System.Text;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Spec.V1Alpha1;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Spec;

/// <summary>
/// Loads a desired-state document (<c>hdiov.dev/v1alpha1</c>, kind <c>HostState</c>) into a <see cref="Model.HostSpec"/>.
/// Never throws for any text: every problem is a located, coded diagnostic, and all problems of a document are
/// reported together. See docs/spec.md for the document and the codes.
/// </summary>
public static class SpecLoader
{
    /// <summary>The largest document accepted, in characters; a spec for a thousand VDEVs is a few tens of kilobytes.</summary>
    public const int MaxDocumentLength = 1024 * 1024;

    // UTF-8 needs at most 4 bytes per character; reading stops there, so /dev/zero or a huge file cannot exhaust memory.
    private const int MaxDocumentBytes = MaxDocumentLength * 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a spec file (the user's file, not a host path). An unreadable file is HDIOV1012, never an exception.</summary>
    public static SpecLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var content = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                content.Write(chunk, 0, read);
                if (content.Length > MaxDocumentBytes)
                {
                    return Refused(DiagnosticCodes.DocumentTooLarge, path, $"the spec file '{HostPath.Printable(path)}' is larger than {MaxDocumentLength / 1024} KiB", "split the host's devices over smaller files, or check that the path names a spec");
                }
            }

            text = StrictUtf8.GetString(content.GetBuffer(), 0, (int)content.Length);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or DecoderFallbackException)
        {
            var reason = exception switch
            {
                FileNotFoundException or DirectoryNotFoundException => "does not exist",
                UnauthorizedAccessException => "cannot be read (permission denied, or it is a directory)",
                DecoderFallbackException => "is not UTF-8 text",
                _ => $"cannot be read ({exception.GetType().Name})",
            };
            return Refused(DiagnosticCodes.FileNotReadable, path, $"the spec file '{HostPath.Printable(path)}' {reason}", "check the path and the file's permissions; a spec is a UTF-8 YAML file");
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return LoadText(text, path);
    }

    /// <summary>Loads a spec from text; <paramref name="fileName"/> is what diagnostics print as the file.</summary>
    public static SpecLoadResult LoadText(string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        if (yaml.Length > MaxDocumentLength)
        {
            return new SpecLoadResult(null, [new Diagnostic(
                DiagnosticCodes.DocumentTooLarge,
                DiagnosticSeverity.Error,
                $"the document is larger than {MaxDocumentLength / 1024} KiB",
                "split the host's devices over smaller files, or check that the text is a spec",
                new SourceLocation(fileName, 1, 1))]);
        }

        var diagnostics = new DiagnosticBag();
        var root = SpecTreeReader.Read(yaml, fileName, diagnostics);
        if (root is null && diagnostics.HasErrors)
        {
            return new SpecLoadResult(null, diagnostics.ToImmutable());
        }

        if (VersionGate.Check(root, fileName) is { } refusal)
        {
            return new SpecLoadResult(null, [refusal]);
        }

        var rootReader = MappingReader.Open(root!, string.Empty, DocumentReader.RootKeys, diagnostics)!;
        var document = new DocumentReader(diagnostics).Read(rootReader);
        var spec = new ModelConverter(diagnostics, fileName).Convert(document);
        return new SpecLoadResult(diagnostics.HasErrors ? null : spec, diagnostics.ToImmutable());
    }

    private static SpecLoadResult Refused(string code, string path, string message, string hint) =>
        new(null, ImmutableArray.Create(new Diagnostic(code, DiagnosticSeverity.Error, message, hint, null, null)));
}
