using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Spec.Yaml;

/// <summary>
/// Reads one mapping with a fixed set of keys. Opening it reports every unknown key (with a did-you-mean hint) and
/// every duplicate key at the key's position; the typed getters report missing keys and wrong value types.
/// </summary>
internal sealed class MappingReader
{
    private readonly Dictionary<string, SpecMappingEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<(Located<string> Key, SpecNode Value)> _accepted = [];
    private readonly DiagnosticBag _diagnostics;

    private MappingReader(SpecMapping mapping, string path, IReadOnlyCollection<string> allowedKeys, DiagnosticBag diagnostics)
    {
        Mapping = mapping;
        Path = path;
        _diagnostics = diagnostics;
        foreach (var (key, entry) in KeyedEntries(mapping, path, diagnostics))
        {
            if (!allowedKeys.Contains(key.Value))
            {
                diagnostics.Error(
                    DiagnosticCodes.UnknownKey,
                    key,
                    $"unknown key '{SpecText.Show(key.Value)}' in {SpecPath.Describe(path)}",
                    SpecText.SuggestionHint(key.Value, allowedKeys, "allowed keys here"));
            }
            else
            {
                _entries[key.Value] = entry;
                _accepted.Add((key, entry.Value));
            }
        }
    }

    public SpecMapping Mapping { get; }

    public string Path { get; }

    public SourceLocation Location => Mapping.Location;

    /// <summary>The entries with allowed keys, first occurrence only, in document order.</summary>
    public IReadOnlyList<(Located<string> Key, SpecNode Value)> Entries => _accepted;

    public static MappingReader? Open(SpecNode node, string path, IReadOnlyCollection<string> allowedKeys, DiagnosticBag diagnostics) =>
        NodeReader.Mapping(node, path, diagnostics) is { } mapping ? new MappingReader(mapping, path, allowedKeys, diagnostics) : null;

    /// <summary>
    /// The entries of a mapping with text keys, the first of each key only: a duplicate is HDIOV1013 and a key that
    /// is not a plain value (a list or mapping used as a key) is HDIOV1006.
    /// </summary>
    public static ImmutableArray<(Located<string> Key, SpecMappingEntry Entry)> KeyedEntries(SpecMapping mapping, string path, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<(Located<string>, SpecMappingEntry)>(mapping.Entries.Length);
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key is not SpecScalar keyScalar)
            {
                if (entry.Key is not SpecRejected)
                {
                    diagnostics.Error(
                        DiagnosticCodes.InvalidValue,
                        entry.Key.Location,
                        path,
                        $"a key in {SpecPath.Describe(path)} is {entry.Key.Describe()}",
                        "keys are plain names; write 'name: value'");
                }

                continue;
            }

            var key = new Located<string>(keyScalar.Value, keyScalar.Location, SpecPath.Child(path, keyScalar.Value));
            if (seen.TryGetValue(key.Value, out var first))
            {
                diagnostics.Error(
                    DiagnosticCodes.DuplicateKey,
                    key,
                    $"the key '{SpecText.Show(key.Value)}' appears more than once in {SpecPath.Describe(path)}",
                    $"keep one of them; the first is at line {first.Line}, column {first.Column}");
                continue;
            }

            seen.Add(key.Value, key.Location);
            result.Add((key, entry));
        }

        return result.ToImmutable();
    }

    public bool Has(string key) => _entries.ContainsKey(key);

    public string ChildPath(string key) => SpecPath.Child(Path, key);

    /// <summary>The position of a key that is present (for "this key conflicts with that one" messages).</summary>
    public SourceLocation KeyLocation(string key) => _entries.TryGetValue(key, out var entry) ? entry.Key.Location : Location;

    public SpecNode? Node(string key, bool required = false, string? hint = null)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            return entry.Value;
        }

        if (required)
        {
            ReportMissing(key, hint);
        }

        return null;
    }

    public void ReportMissing(string key, string? hint = null) =>
        _diagnostics.Error(
            DiagnosticCodes.MissingKey,
            Location,
            ChildPath(key),
            $"{SpecPath.Describe(Path)} needs the key '{key}'",
            hint ?? $"add '{key}: <value>'");

    public Located<string>? Text(string key, bool required = false, string? hint = null) =>
        Node(key, required, hint) is { } node ? NodeReader.Text(node, ChildPath(key), _diagnostics) : null;

    public Located<long>? Integer(string key, bool required = false, string? hint = null) =>
        Node(key, required, hint) is { } node ? NodeReader.Integer(node, ChildPath(key), _diagnostics) : null;

    public Located<bool>? Boolean(string key, bool required = false, string? hint = null) =>
        Node(key, required, hint) is { } node ? NodeReader.Boolean(node, ChildPath(key), _diagnostics) : null;

    public SpecSequence? Sequence(string key, bool required = false, string? hint = null) =>
        Node(key, required, hint) is { } node ? NodeReader.Sequence(node, ChildPath(key), _diagnostics) : null;

    public MappingReader? Open(string key, IReadOnlyCollection<string> allowedKeys, bool required = false, string? hint = null) =>
        Node(key, required, hint) is { } node ? Open(node, ChildPath(key), allowedKeys, _diagnostics) : null;
}
