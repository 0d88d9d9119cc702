using System.Collections.Immutable;

namespace HdIov.Engine.Planning;

/// <summary>
/// What a partial spec speaks for. The whole-host plan treats its spec as the host's complete desired state: owned
/// VDEVs and VF sets it does not declare are removed, and the CDI spec lists exactly its container attachments. An
/// adapter that manages a host piece by piece (one resource per device entry or attachment) plans each piece with a
/// scope, so the pieces it does not mention are left as they are:
/// <list type="bullet">
/// <item>owned VDEVs are removed only when their VDEV name starts with one of <see cref="Devices"/>, and owned VF sets
/// only on PFs the spec's own entries select;</item>
/// <item>the CDI spec keeps every device it already lists except the VDEVs in <see cref="AttachedVdevs"/>, which the
/// spec's container attachments (re)declare; an attachment may name a VDEV another piece created, found through the
/// ledger;</item>
/// <item>VM attachments the ledger records and the spec no longer declares are detached only for the VDEVs in
/// <see cref="AttachedVdevs"/>, so the VM attachments of other pieces stay.</item>
/// </list>
/// </summary>
public sealed record PlanScope(ImmutableHashSet<string> Devices, ImmutableHashSet<string> AttachedVdevs)
{
    /// <summary>The spec is the whole host (what the spec document and the PowerShell module use).</summary>
    public static PlanScope WholeHost { get; } = new([], []) { IsWholeHost = true };

    public bool IsWholeHost { get; private init; }

    /// <summary>A scope for the given device entry names and attached VDEV names.</summary>
    public static PlanScope Of(IEnumerable<string> devices, IEnumerable<string> attachedVdevs) =>
        new(devices.ToImmutableHashSet(StringComparer.Ordinal), attachedVdevs.ToImmutableHashSet(StringComparer.Ordinal));

    public bool CoversDevice(string? vdevName) =>
        IsWholeHost || (Model.VdevName.TryParse(vdevName, out var name) && Devices.Contains(name.Device));

    public bool CoversCdiDevice(string vdevName) => IsWholeHost || AttachedVdevs.Contains(vdevName);

    public bool CoversAttachedVdev(string? vdevName) => IsWholeHost || (vdevName is not null && AttachedVdevs.Contains(vdevName));
}
