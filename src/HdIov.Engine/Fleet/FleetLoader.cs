using System.Collections.Immutable;
using System.Text;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Spec;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Fleet;

/// <summary>
/// Loads a fleet document (<c>hdiov.dev/v1alpha1</c>, kind <c>Fleet</c>) with the rules of the HostState loader:
/// version and kind first, strict keys, every problem located and coded, never an exception for any text. Files the
/// document names (an Ansible inventory, the groups' spec files) are read relative to the document's folder, and
/// each group's spec is checked by rendering it for every host it selects.
/// </summary>
public static class FleetLoader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a fleet file. An unreadable file is HDIOV1012, never an exception.</summary>
    public static FleetLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadUserFile(path, "fleet file") switch
        {
            (null, var refusal) => new FleetLoadResult(null, [refusal!]),
            (var text, _) => LoadText(text!, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? "."),
        };
    }

    /// <summary>
    /// Loads a fleet from text; <paramref name="fileName"/> is what diagnostics print, <paramref name="baseDirectory"/>
    /// is where relative paths in it start.
    /// </summary>
    public static FleetLoadResult LoadText(string yaml, string fileName, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        var diagnostics = new DiagnosticBag();
        if (yaml.Length > SpecLoader.MaxDocumentLength)
        {
            diagnostics.Error(DiagnosticCodes.DocumentTooLarge, new SourceLocation(fileName, 1, 1), string.Empty, $"the document is larger than {SpecLoader.MaxDocumentLength / 1024} KiB", "move the hosts to an inventory file");
            return new FleetLoadResult(null, diagnostics.ToImmutable());
        }

        var root = SpecTreeReader.Read(yaml, fileName, diagnostics);
        if (root is null && diagnostics.HasErrors)
        {
            return new FleetLoadResult(null, diagnostics.ToImmutable());
        }

        if (VersionGate.Check(root, fileName, FleetSpec.Kind) is { } refusal)
        {
            return new FleetLoadResult(null, [refusal]);
        }

        var reader = new FleetDocumentReader(diagnostics, fileName, yaml, baseDirectory);
        var fleet = reader.Read(MappingReader.Open(root!, string.Empty, FleetDocumentReader.RootKeys, diagnostics)!);
        var all = diagnostics.ToImmutable().AddRange(reader.FileDiagnostics);
        if (fleet is not null && !all.Any(d => d.IsError))
        {
            all = all.AddRange(CheckGroupSpecs(fleet));
        }

        return new FleetLoadResult(all.Any(d => d.IsError) ? null : fleet, all);
    }

    /// <summary>
    /// Renders each group's spec for each host it selects: a template that is valid for one host and not another
    /// (a missing value, a count the schema refuses) is found before any host is touched. Each problem is reported
    /// once per template position, naming the first host it happened for.
    /// </summary>
    private static ImmutableArray<Diagnostic> CheckGroupSpecs(FleetSpec fleet)
    {
        var result = ImmutableArray.CreateBuilder<Diagnostic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in fleet.Groups)
        {
            foreach (var host in fleet.Hosts.Where(group.Selector.Matches))
            {
                foreach (var diagnostic in group.Spec.Render(host, group.Values).Diagnostics.Where(d => d.IsError))
                {
                    if (seen.Add($"{group.Name}|{diagnostic.Code}|{diagnostic.Location}|{diagnostic.KeyPath}"))
                    {
                        result.Add(diagnostic with { Message = $"group '{group.Name}', host '{host.Name}': {diagnostic.Message}" });
                    }
                }
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Reads a user's file as UTF-8 text (bounded), or a located HDIOV1012/HDIOV1016 refusal.</summary>
    internal static (string? Text, Diagnostic? Refusal) ReadUserFile(string path, string what, SourceLocation? location = null, string? keyPath = null)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > SpecLoader.MaxDocumentLength * 4L)
            {
                return (null, new Diagnostic(DiagnosticCodes.DocumentTooLarge, DiagnosticSeverity.Error, $"the {what} '{HostPath.Printable(path)}' is larger than {SpecLoader.MaxDocumentLength / 1024} KiB", "split it, or check that the path names the right file", location, keyPath));
            }

            var text = StrictUtf8.GetString(File.ReadAllBytes(path));
            return (text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, null);
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
            return (null, new Diagnostic(DiagnosticCodes.FileNotReadable, DiagnosticSeverity.Error, $"the {what} '{HostPath.Printable(path)}' {reason}", "check the path (relative paths start at the fleet document's folder) and the file's permissions", location, keyPath));
        }
    }
}
