using System.Collections.Immutable;

namespace HdIov.Engine.Planning;

/// <summary>
/// The plan for an imperative request and the VDEVs it is about, in request order: every requested VDEV, including
/// ones that already exist as asked (they need no step).
/// </summary>
public sealed record ImperativePlan(Plan Plan, ImmutableArray<Guid> Vdevs);
