namespace HdIov.Engine.Diagnostics;

/// <summary>The engine refuses to go on; every reason is a located, coded diagnostic.</summary>
public class HdIovException : Exception
{
    public HdIovException(IReadOnlyList<Diagnostic> diagnostics)
        : base(Describe(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public HdIovException(Diagnostic diagnostic)
        : this([diagnostic])
    {
    }

    public HdIovException()
        : this([])
    {
    }

    public HdIovException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public HdIovException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    private static string Describe(IReadOnlyList<Diagnostic> diagnostics) =>
        diagnostics.Count switch
        {
            0 => "the operation was refused",
            1 => diagnostics[0].ToString(),
            _ => $"{diagnostics.Count} problems:{Environment.NewLine}" + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d)),
        };
}
