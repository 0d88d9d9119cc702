namespace HdIov.Engine.Planning;

/// <summary>The phases a plan runs in: what is removed goes first, then devices are reset, then things are created.</summary>
internal enum StepPhase
{
    Remove,
    Reset,
    Create,
    Bind,
    Persist,
}

/// <summary>A step before it gets its id; <see cref="Group"/> ties the steps of one target together for dependencies.</summary>
internal sealed record PendingStep(
    StepPhase Phase,
    string Group,
    string Address,
    StepAction Action,
    StepOperation Operation,
    string? Before,
    string? After,
    Disruption Disruption,
    string Reason);
