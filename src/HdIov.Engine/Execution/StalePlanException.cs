using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Execution;

/// <summary>The host changed between planning and applying; the plan is refused and nothing is changed.</summary>
public sealed class StalePlanException : HdIovException
{
    public StalePlanException(string planned, string observed)
        : base(new Diagnostic(
            DiagnosticCodes.StalePlan,
            DiagnosticSeverity.Error,
            $"the host changed since the plan was made (planned on state {planned}, host is now {observed})",
            "make a new plan (Get-HdIovPlan) and review it, then apply that one"))
    {
    }

    public StalePlanException()
    {
    }

    public StalePlanException(string message)
        : base(message)
    {
    }

    public StalePlanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
