using System.Collections.Immutable;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Drift;

/// <summary>
/// One thing that differs between a host and its spec: where (<see cref="Address"/>: a VDEV name, a PF, a platform key),
/// what kind of difference it is, what the spec wants and what the host has, the plan steps that would fix it (none when
/// a converge cannot, e.g. hardware that changed), what fixing it disrupts, and why.
/// </summary>
public sealed record DriftItem(
    string Address,
    DriftKind Kind,
    string Expected,
    string Actual,
    ImmutableArray<int> Steps,
    Disruption Disruption,
    string Reason)
{
    /// <summary>The text used for a value that is not there (a VDEV that does not exist, a PF that is gone).</summary>
    public const string Absent = "absent";

    /// <summary>False only for <see cref="DriftKind.Unmanaged"/> items, which a converge leaves as they are.</summary>
    public bool IsDrift => Kind != DriftKind.Unmanaged;
}
