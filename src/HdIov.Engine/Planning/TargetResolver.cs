using System.Globalization;
using HdIov.Engine.Families;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>Turns each device entry's selector into the PFs or parents it chooses, and refuses a PF chosen twice.</summary>
internal static class TargetResolver
{
    public static List<SplitTarget> Resolve(HostSpec spec, HostState state, List<Diagnostic> problems)
    {
        var targets = new List<SplitTarget>();
        var chosenBy = new Dictionary<string, DeviceSpec>(StringComparer.Ordinal);
        for (var index = 0; index < spec.Devices.Length; index++)
        {
            var entry = spec.Devices[index];
            var chosen = Choose(entry.Select, state);
            var missing = entry.Select.SelectedAddresses.Where(a => state.FindFunction(a) is not { IsVirtualFunction: false }).ToList();
            foreach (var address in missing)
            {
                problems.Add(new Diagnostic(
                    DiagnosticCodes.NoDeviceMatches,
                    DiagnosticSeverity.Error,
                    $"device '{entry.Name}' selects {address}, which is not a PCI physical function on this host",
                    Hint(entry.Select),
                    entry.Location,
                    $"spec.devices[{index}].select.pciAddress"));
            }

            if (missing.Count > 0)
            {
                continue;
            }

            if (chosen.Count == 0 && entry.Mode != SplitMode.None)
            {
                problems.Add(new Diagnostic(
                    DiagnosticCodes.NoDeviceMatches,
                    DiagnosticSeverity.Error,
                    $"device '{entry.Name}' selects {entry.Select}, which matches nothing on this host",
                    Hint(entry.Select),
                    entry.Location,
                    $"spec.devices[{index}].select"));
                continue;
            }

            for (var ordinal = 0; ordinal < chosen.Count; ordinal++)
            {
                var (parentName, function) = chosen[ordinal];
                if (chosenBy.TryGetValue(parentName, out var first))
                {
                    problems.Add(new Diagnostic(
                        DiagnosticCodes.ModeConflict,
                        DiagnosticSeverity.Error,
                        $"{parentName} is selected by both device '{first.Name}' and device '{entry.Name}'; a PF has one mode",
                        "narrow one selector (e.g. select by pciAddress) so each PF belongs to one device entry",
                        entry.Location,
                        $"spec.devices[{index}].select"));
                    continue;
                }

                chosenBy[parentName] = entry;
                var family = DeviceFamilies.Of(function);
                targets.Add(new SplitTarget(entry, index, ordinal, parentName, function, family));
            }
        }

        return targets;
    }

    private static List<(string ParentName, PciFunction? Function)> Choose(DeviceSelector select, HostState state)
    {
        if (select.Parent is { } parentName)
        {
            var parent = state.FindParent(parentName);
            if (parent is null)
            {
                return [];
            }

            var function = parent.PciAddress is { } address ? state.FindFunction(address) : null;
            return [(parentName, function)];
        }

        IEnumerable<PciFunction> functions = state.Functions.Where(f => !f.IsVirtualFunction);
        var addresses = select.SelectedAddresses;
        if (!addresses.IsEmpty)
        {
            functions = functions.Where(f => addresses.Contains(f.Address));
        }

        if (select.Driver is { } driver)
        {
            functions = functions.Where(f => f.Driver == driver);
        }

        if (select.Vendor is { } vendor)
        {
            functions = functions.Where(f => string.Equals(Hex(f.VendorId), vendor, StringComparison.OrdinalIgnoreCase));
        }

        if (select.Device is { } device)
        {
            functions = functions.Where(f => string.Equals(Hex(f.DeviceId), device, StringComparison.OrdinalIgnoreCase));
        }

        var chosen = functions.OrderBy(f => f.Address).Select(f => (f.Address.ToString(), (PciFunction?)f)).ToList();
        if (chosen.Count == 0 && select.Driver is { } parentDriver && addresses.IsEmpty)
        {
            chosen = [.. state.MdevParents
                .Where(p => p.PciAddress is null && p.Driver == parentDriver)
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => (p.Name, (PciFunction?)null))];
        }

        return chosen;
    }

    private static string Hex(ushort value) => value.ToString("x4", CultureInfo.InvariantCulture);

    private static string Hint(DeviceSelector select) =>
        !select.SelectedAddresses.IsEmpty ? "check the address with Get-HdIovDevice (lspci -D); the device may be absent or named differently"
        : select.Parent is not null ? "load the driver that registers this mdev parent; Get-HdIovHost lists the registered parents"
        : select.Driver is not null ? $"load and bind the '{select.Driver}' driver, or select by pciAddress"
        : "check the vendor and device IDs with Get-HdIovDevice";
}
