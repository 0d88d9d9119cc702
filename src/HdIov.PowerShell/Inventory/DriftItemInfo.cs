using HdIov.Engine.Drift;

namespace HdIov.PowerShell.Inventory;

/// <summary>
/// One drift item as <c>Test-HdIovHostState -Detailed</c> returns it: the engine's <see cref="DriftItem"/> with its kind
/// and disruption as text, so tables and <c>ConvertTo-Json</c> read the same.
/// </summary>
public sealed class DriftItemInfo
{
    /// <summary><c>Declared</c>, <c>ChangedOutside</c>, <c>HardwareChanged</c>, <c>PendingReboot</c> or <c>Unmanaged</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>A VDEV name (<c>qat/0/asym/0</c>), a PF address, a device entry's PF (<c>qat/0</c>) or a platform key.</summary>
    public required string Address { get; init; }

    /// <summary>What the spec wants there (<c>absent</c> when it wants nothing).</summary>
    public required string Expected { get; init; }

    /// <summary>What the host has there (<c>absent</c> when nothing).</summary>
    public required string Actual { get; init; }

    /// <summary>What fixing it disrupts: <c>None</c>, <c>DeviceReset</c>, <c>VmRestart</c> or <c>HostReboot</c>.</summary>
    public required string Disruption { get; init; }

    /// <summary>The ids of the plan steps (Get-HdIovPlan) that would fix it; empty when a converge cannot.</summary>
    public required int[] Steps { get; init; }

    public required string Reason { get; init; }

    /// <summary>False for <c>Unmanaged</c> items, which a converge leaves as they are.</summary>
    public required bool IsDrift { get; init; }

    public static DriftItemInfo From(DriftItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new DriftItemInfo
        {
            Kind = item.Kind.ToString(),
            Address = item.Address,
            Expected = item.Expected,
            Actual = item.Actual,
            Disruption = item.Disruption.ToString(),
            Steps = [.. item.Steps],
            Reason = item.Reason,
            IsDrift = item.IsDrift,
        };
    }
}
