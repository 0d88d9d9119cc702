using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Planning;

/// <summary>The desired state cannot be reached from the observed one (capacity, mode, missing platform support).</summary>
public sealed class PlanRejectedException : HdIovException
{
    public PlanRejectedException(IReadOnlyList<Diagnostic> diagnostics)
        : base(diagnostics)
    {
    }

    public PlanRejectedException()
    {
    }

    public PlanRejectedException(string message)
        : base(message)
    {
    }

    public PlanRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
