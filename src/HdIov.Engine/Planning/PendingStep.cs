namespace HdIov.Engine.Planning;

/// <summary>
/// The phases a plan runs in: devices leave VMs first (a VDEV in use cannot be removed), what is removed goes next, then devices are reset, then things are created, bound,
/// persisted and attached; boot-time platform changes come last, so the reboot barrier defers nothing else.
/// </summary>
internal enum StepPhase
{
    Detach,
    Remove,
    Reset,
    Create,
    Bind,
    Persist,
    Attach,
    Platform,
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
