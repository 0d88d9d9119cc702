using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Fleet;

/// <summary>What loading a fleet document gave: the fleet when it is valid, and every diagnostic in document order.</summary>
public sealed record FleetLoadResult(FleetSpec? Fleet, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool Succeeded => Fleet is not null && !Diagnostics.Any(d => d.IsError);
}
