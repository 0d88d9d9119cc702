using System.Globalization;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Families.E810;

/// <summary>
/// One E810 adapter's VDEV budget, shared by its ports: the declarative plan and a request both ask it whether
/// their change fits.
/// </summary>
internal sealed record AdapterBudget(string Adapter, HashSet<string> Ports, List<MdevDevice> Live)
{
    public static AdapterBudget Of(HostState state, PciFunction port)
    {
        var adapter = IceSiovBackend.AdapterKey(port);
        var family = DeviceFamilies.Of(port);
        var ports = state.Functions
            .Where(f => !f.IsVirtualFunction && ReferenceEquals(DeviceFamilies.Of(f), family) && IceSiovBackend.AdapterKey(f) == adapter)
            .Select(f => f.Address.ToString())
            .ToHashSet(StringComparer.Ordinal);
        return new AdapterBudget(adapter, ports, [.. state.Mdevs.Where(m => ports.Contains(m.Parent))]);
    }

    /// <summary>What the adapter would hold after <paramref name="change"/> more VDEVs, when that is above its budget; null when it fits.</summary>
    public string? Exceeded(int change)
    {
        var total = Live.Count + change;
        return total > IceSiovBackend.AdapterBudget
            ? string.Create(CultureInfo.InvariantCulture, $"E810 adapter {Adapter} would hold {total} {IceSiovBackend.TypeId} VDEVs across its ports")
            : null;
    }
}
