using System.Globalization;
using HdIov.Engine.Families;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Drift;

/// <summary>
/// Hardware that is not what it was when the engine split it. The ledger records the parent each owned VDEV and VF
/// set was made on and the VDEV's type, not the PF's device id, so "another device" is recognised by the family the
/// recorded types belong to (the family whose driver registers them).
/// </summary>
internal static class HardwareDrift
{
    public const string IommuAddress = "platform/iommu";

    /// <summary>One item per changed parent (keyed by the parent's name) and one for the IOMMU.</summary>
    public static List<(string? Parent, DriftItem Item)> Find(HostState state)
    {
        var found = new List<(string?, DriftItem)>();
        var blocker = IommuBlocker(state);
        var owned = state.Ledger.Entries
            .Where(e => e.Kind is LedgerEntryKind.Mdev or LedgerEntryKind.VirtualFunctions)
            .GroupBy(e => e.Parent, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in owned)
        {
            if (ParentChange(state, group.Key, [.. group], blocker is not null) is { } item)
            {
                found.Add((group.Key, item));
            }
        }

        var siovTypes = state.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev && DeviceFamilies.OfType(e.Type) is not null).ToList();
        if (blocker is { } reason && siovTypes.Count > 0)
        {
            found.Add((null, new DriftItem(
                IommuAddress,
                DriftKind.HardwareChanged,
                "every VT-d unit in scalable mode with PASID",
                reason.Message,
                [],
                Disruption.None,
                $"the ledger records {Count(siovTypes.Count, "SIOV VDEV")} that need PASID-capable scalable-mode VT-d, which the platform no longer offers; {reason.Hint}")));
        }

        return found;
    }

    /// <summary>The VT-d registers no longer allow SIOV (the command line is a boot argument matter, not hardware).</summary>
    private static (string Message, string Hint)? IommuBlocker(HostState state)
    {
        if (SiovPlatform.Blocker(state) is not { } blocker)
        {
            return null;
        }

        var registers = state.IommuUnits.IsDefaultOrEmpty || state.IommuUnits.Any(u => !u.Ecap.ScalableMode || !u.Ecap.Pasid);
        return registers ? (blocker.Message, blocker.Hint) : null;
    }

    private static DriftItem? ParentChange(HostState state, string parentName, List<LedgerEntry> entries, bool iommuBlocked)
    {
        var mdevs = entries.Where(e => e.Kind == LedgerEntryKind.Mdev).ToList();
        var vfs = entries.Where(e => e.Kind == LedgerEntryKind.VirtualFunctions).Sum(e => e.Count ?? 0);
        var made = string.Join(" and ", new[]
        {
            mdevs.Count > 0 ? Count(mdevs.Count, "VDEV") : null,
            vfs > 0 ? Count(vfs, "VF") : null,
        }.Where(s => s is not null));
        if (made.Length == 0)
        {
            return null;
        }

        PciFunction? function = null;
        if (PciAddress.TryParse(parentName, out var address))
        {
            function = state.FindFunction(address);
            if (function is null || function.IsVirtualFunction)
            {
                return Item(parentName, $"the PF HdIov split ({made})", DriftItem.Absent,
                    $"the ledger records {made} on {parentName}, which is no longer a PCI function on this host (removed, or moved to another slot); select the PF where it is now, or drop its device entry");
            }

            var expected = mdevs.Select(e => DeviceFamilies.OfType(e.Type)).FirstOrDefault(f => f is not null);
            var actual = DeviceFamilies.Of(function);
            if (expected is { } family && !ReferenceEquals(actual, family))
            {
                return Item(parentName, $"a {family.Name} PF", $"{Hex(function.VendorId)}:{Hex(function.DeviceId)} ({actual.Name})",
                    $"the ledger records {made} of a {family.Name} PF at {parentName}, but the function there is now another device; check the slot (lspci -nn -s {parentName}) and update the spec");
            }
        }

        if (iommuBlocked && mdevs.Any(e => DeviceFamilies.OfType(e.Type) is not null))
        {
            return null;
        }

        var parent = state.FindParent(parentName);
        foreach (var byType in mdevs.Where(e => e.Type is not null).GroupBy(e => e.Type!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var type = parent?.FindType(byType.Key);
            if (type is null)
            {
                if (function is not null && DeviceFamilies.Of(function).TypeMissingByConfiguration(state, function, byType.Key))
                {
                    continue;
                }

                var offered = parent is null ? "not registered with the mdev core" : $"offers {string.Join(", ", parent.Types.Select(t => t.Id))}";
                return Item(parentName, $"{byType.Key} offered", offered,
                    $"the ledger records {Count(byType.Count(), byType.Key + " VDEV")} on {parentName}, but the parent no longer offers that type (its driver or firmware changed); reload the driver that registered it, or change the spec");
            }

            if (type.Available.Count is not { } available)
            {
                continue;
            }

            var owned = byType.Select(e => e.Uuid).ToHashSet();
            var live = state.Mdevs.Count(m => m.Parent == parentName && m.Type == byType.Key && owned.Contains(m.Uuid));
            var madeOfType = byType.Count();
            if (live + available < madeOfType)
            {
                return Item(parentName, Count(madeOfType, byType.Key + " instance"), $"{live + available} ({live} live, {available} available)",
                    $"the engine made {Count(madeOfType, byType.Key + " VDEV")} on {parentName}, but the type now holds only {live + available}; the device's capacity shrank (firmware, driver or its configuration)");
            }
        }

        return null;
    }

    private static DriftItem Item(string address, string expected, string actual, string reason) =>
        new(address, DriftKind.HardwareChanged, expected, actual, [], Disruption.None, reason);

    private static string Hex(ushort value) => value.ToString("x4", CultureInfo.InvariantCulture);

    internal static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
