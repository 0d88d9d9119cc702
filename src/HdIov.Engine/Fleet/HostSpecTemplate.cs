using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Fleet;

/// <summary>
/// A group's HostState spec as written (a file, or a block inside the fleet document), made into one host's spec by
/// <see cref="Render"/>: <c>${host.name}</c> becomes the host's name, <c>${values.KEY}</c> the host's value for KEY
/// (else the group's), and <c>metadata.name</c> is the host's name whatever the template says, so every host gets its
/// own VDEV UUIDs. Values are plain tokens (letters, digits and <c>. _ : / -</c>), so a substitution can change a
/// count or an address but never the shape of the document.
/// </summary>
public sealed partial class HostSpecTemplate
{
    private HostSpecTemplate(string text, string fileName, int firstLine, int columnOffset, string origin)
    {
        Text = text;
        FileName = fileName;
        FirstLine = firstLine;
        ColumnOffset = columnOffset;
        Origin = origin;
    }

    /// <summary>The template's YAML text.</summary>
    public string Text { get; }

    /// <summary>The file diagnostics name: the spec file, or the fleet document for an inline spec.</summary>
    public string FileName { get; }

    /// <summary>The line of <see cref="FileName"/> the text starts at.</summary>
    public int FirstLine { get; }

    /// <summary>Columns the text was indented by in <see cref="FileName"/>.</summary>
    public int ColumnOffset { get; }

    /// <summary>Where the spec comes from, as a user reads it: the file's path or "inline".</summary>
    public string Origin { get; }

    public static HostSpecTemplate FromFile(string text, string path) => new(text, path, 1, 0, path);

    public static HostSpecTemplate Inline(string text, string fleetFile, int firstLine, int columnOffset) =>
        new(text, fleetFile, firstLine, columnOffset, "inline");

    /// <summary>Whether a value can be substituted into a spec: a non-empty plain token that YAML reads as itself.</summary>
    public static bool IsSafeValue(string value) => value.Length is > 0 and <= 253 && SafeValue().IsMatch(value);

    /// <summary>
    /// The host's spec, or located diagnostics: an unknown or unsafe value at its placeholder, and the HostState
    /// loader's own diagnostics at the template's lines.
    /// </summary>
    public SpecLoadResult Render(FleetHost host, IReadOnlyDictionary<string, string> groupValues)
    {
        var (text, diagnostics) = RenderText(host, groupValues);
        if (text is null)
        {
            return new SpecLoadResult(null, diagnostics);
        }

        var loaded = SpecLoader.LoadText(text, FileName);
        var located = loaded.Diagnostics.Select(Relocate).ToImmutableArray();
        if (loaded.Spec is null || !loaded.Succeeded)
        {
            return new SpecLoadResult(null, located);
        }

        return new SpecLoadResult(loaded.Spec with { Name = host.Name }, located);
    }

    /// <summary>
    /// The host's spec as YAML text, placeholders filled in (what a rollout sends to the host and hashes), or null
    /// with the located diagnostics of unknown or unsafe values. <c>metadata.name</c> is left as written: whoever
    /// loads the text names the spec after the host, as <see cref="Render"/> does.
    /// </summary>
    public (string? Text, ImmutableArray<Diagnostic> Diagnostics) RenderText(FleetHost host, IReadOnlyDictionary<string, string> groupValues)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(groupValues);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        var rendered = new StringBuilder(Text.Length);
        var lineStart = 0;
        var line = 1;
        var last = 0;
        foreach (Match match in Placeholder().Matches(Text))
        {
            for (var i = last; i < match.Index; i++)
            {
                if (Text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            rendered.Append(Text, last, match.Index - last);
            last = match.Index + match.Length;
            var location = new SourceLocation(FileName, line + FirstLine - 1, match.Index - lineStart + 1 + ColumnOffset);
            var scope = match.Groups["scope"].Value;
            var key = match.Groups["key"].Value;
            string? value = scope switch
            {
                "host" when key == "name" => host.Name,
                "values" => host.Values.TryGetValue(key, out var own) ? own : groupValues.TryGetValue(key, out var shared) ? shared : null,
                _ => null,
            };
            if (value is null)
            {
                diagnostics.Add(new Diagnostic(
                    FleetDiagnosticCodes.UnknownHostValue,
                    DiagnosticSeverity.Error,
                    scope == "values"
                        ? $"host '{host.Name}' has no value '{key}' for {match.Value}"
                        : $"{match.Value} is not a placeholder; the spec template knows ${{host.name}} and ${{values.KEY}}",
                    scope == "values"
                        ? $"give the host (or its group) 'values: {{ {key}: ... }}', or an inventory variable '{key}'"
                        : "write ${host.name} or ${values.KEY}",
                    location));
                rendered.Append(match.Value);
                continue;
            }

            if (!IsSafeValue(value))
            {
                diagnostics.Add(new Diagnostic(
                    FleetDiagnosticCodes.UnsafeHostValue,
                    DiagnosticSeverity.Error,
                    $"host '{host.Name}''s value for {match.Value} is not a plain token: '{SpecText.Show(value)}'",
                    "values may hold letters, digits and . _ : / - only (a count, a name or an address)",
                    location));
                rendered.Append(match.Value);
                continue;
            }

            rendered.Append(value);
        }

        rendered.Append(Text, last, Text.Length - last);
        return diagnostics.Count > 0 ? (null, diagnostics.ToImmutable()) : (rendered.ToString(), []);
    }

    private Diagnostic Relocate(Diagnostic diagnostic) =>
        diagnostic.Location is { } location && (FirstLine != 1 || ColumnOffset != 0)
            ? diagnostic with { Location = new SourceLocation(FileName, location.Line + FirstLine - 1, location.Column + ColumnOffset) }
            : diagnostic;

    [GeneratedRegex(@"\$\{(?<scope>[A-Za-z]+)\.(?<key>[A-Za-z0-9_]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z0-9._:/][A-Za-z0-9._:/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeValue();
}
