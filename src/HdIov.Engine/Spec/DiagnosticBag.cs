using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Spec;

/// <summary>Collects the diagnostics of one document; the loader reports every problem, not only the first.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _diagnostics = [];

    public bool HasErrors => _diagnostics.Exists(d => d.IsError);

    public int Count => _diagnostics.Count;

    public void Error(string code, SourceLocation location, string path, string message, string hint) =>
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, message, hint, location, path.Length == 0 ? null : path));

    public void Error<T>(string code, Located<T> value, string message, string hint) =>
        Error(code, value.Location, value.Path, message, hint);

    /// <summary>The diagnostics in document order (line, then column), ties in the order they were found.</summary>
    public ImmutableArray<Diagnostic> ToImmutable() =>
        [.. _diagnostics
            .Select((diagnostic, index) => (diagnostic, index))
            .OrderBy(d => d.diagnostic.Location?.Line ?? 0)
            .ThenBy(d => d.diagnostic.Location?.Column ?? 0)
            .ThenBy(d => d.index)
            .Select(d => d.diagnostic)];
}
