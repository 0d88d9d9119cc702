namespace HdIov.Engine.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,
    Information,
}

/// <summary>A position in a spec document; lines and columns start at 1.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One finding about a spec, a plan or a host: a stable code (HDIOVnnnn), what is wrong, where, and how to fix it.
/// </summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string Message,
    string Hint,
    SourceLocation? Location = null,
    string? KeyPath = null)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString()
    {
        var where = Location is null ? string.Empty : $"{Location}: ";
        var key = KeyPath is null ? string.Empty : $" [{KeyPath}]";
        var severity = Severity.ToString().ToLowerInvariant();
        return $"{where}{severity} {Code}: {Message}{key}. Fix: {Hint}";
    }
}
