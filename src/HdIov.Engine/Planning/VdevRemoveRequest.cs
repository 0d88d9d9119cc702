using System.Collections.Immutable;

namespace HdIov.Engine.Planning;

/// <summary>
/// A request to remove VDEVs by UUID. Without <see cref="Force"/>, one the engine does not own or one in use (its
/// IOMMU group open in <see cref="OpenVfioGroups"/>, or published to containers in the CDI spec) is refused.
/// </summary>
public sealed record VdevRemoveRequest(ImmutableArray<Guid> Uuids, bool Force = false)
{
    /// <summary>IOMMU groups some process holds open, each with one such process id (<c>Discovery.VfioGroupUsageReader</c>).</summary>
    public IReadOnlyDictionary<int, int> OpenVfioGroups { get; init; } = ImmutableSortedDictionary<int, int>.Empty;
}
