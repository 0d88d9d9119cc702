using System.Collections.Immutable;

namespace HdIov.Engine.Planning;

/// <summary>
/// One change: where (<see cref="Address"/>), what (<see cref="Operation"/>), the value before and after, what it
/// disrupts and why, and the steps that must run first.
/// </summary>
public sealed record PlanStep(
    int Id,
    string Address,
    StepAction Action,
    StepOperation Operation,
    string? Before,
    string? After,
    Disruption Disruption,
    string Reason,
    ImmutableArray<int> DependsOn)
{
    public string Symbol => Action switch
    {
        StepAction.Create => "+",
        StepAction.Delete => "-",
        _ => "~",
    };

    public string Description => Operation.Describe();
}
