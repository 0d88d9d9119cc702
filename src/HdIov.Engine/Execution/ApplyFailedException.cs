using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution;

/// <summary>A step failed on the host; the steps before it are done and recorded, and applying again resumes.</summary>
public sealed class ApplyFailedException : HdIovException
{
    public ApplyFailedException(Diagnostic diagnostic, PlanStep? failedStep, ImmutableArray<PlanStep> completed, Exception? cause)
        : base([diagnostic])
    {
        FailedStep = failedStep;
        Completed = completed;
        Cause = cause;
    }

    public ApplyFailedException()
    {
        Completed = [];
    }

    public ApplyFailedException(string message)
        : base(message)
    {
        Completed = [];
    }

    public ApplyFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Completed = [];
    }

    public PlanStep? FailedStep { get; }

    public ImmutableArray<PlanStep> Completed { get; }

    public Exception? Cause { get; }
}
