using HdIov.Engine.Diagnostics;

namespace HdIov.Pulumi.Hosting;

/// <summary>A resource's inputs break the spec rules; the diagnostics carry property paths of the resource, not of a spec document.</summary>
internal sealed class InputRejectedException : HdIovException
{
    public InputRejectedException(IReadOnlyList<Diagnostic> diagnostics)
        : base(diagnostics)
    {
    }

    public InputRejectedException()
    {
    }

    public InputRejectedException(string message)
        : base(message)
    {
    }

    public InputRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
