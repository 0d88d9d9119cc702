using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary>
/// <c>select</c>: exactly one of driver, pciAddress (one or a list), vendor + device, or parent. It also remembers
/// what earlier entries selected, so two entries that name the same PFs in the same words are HDIOV1010 here;
/// overlaps only the host can reveal (a driver that also drives a listed address) are found at plan time.
/// </summary>
internal sealed class SelectorConverter(ValueRules rules)
{
    private static readonly (string Key, string Way)[] Ways =
        [("driver", "driver"), ("pciAddress", "pciAddress"), ("vendor", "vendor + device"), ("device", "vendor + device"), ("parent", "parent")];

    private readonly Dictionary<string, (string Device, SourceLocation At)> _claimed = new(StringComparer.Ordinal);

    private DiagnosticBag Diagnostics => rules.Diagnostics;

    public DeviceSelector? Convert(SelectorDto select, string? deviceName)
    {
        var ways = Ways.Where(w => select.KeysPresent.Contains(w.Key)).Select(w => w.Way).Distinct().ToList();
        if (ways.Count == 0)
        {
            Diagnostics.Error(
                DiagnosticCodes.MissingKey,
                select.Location,
                select.Path,
                "'select' names no way of choosing PFs",
                "add one of: driver: 4xxx, pciAddress: \"0000:6b:00.0\", vendor: \"8086\" with device: \"4940\", or parent: mtty");
            return null;
        }

        if (ways.Count > 1)
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                select.Location,
                select.Path,
                $"'select' names more than one way of choosing PFs: {string.Join(", ", ways)}",
                "keep exactly one of driver, pciAddress, vendor + device, or parent; use two device entries for two sets of PFs");
            return null;
        }

        return ways[0] switch
        {
            "driver" => select.Driver is { } driver && rules.Name(driver, "driver name") is { } driverName
                && Claim($"driver {driverName}", deviceName, driver) ? new DeviceSelector(Driver: driverName) : null,
            "pciAddress" => ConvertAddresses(select, deviceName),
            "vendor + device" => ConvertIds(select, deviceName),
            _ => select.Parent is { } parent && rules.Name(parent, "mdev parent name") is { } parentName
                && Claim($"parent {parentName}", deviceName, parent) ? new DeviceSelector(Parent: parentName) : null,
        };
    }

    private DeviceSelector? ConvertAddresses(SelectorDto select, string? deviceName)
    {
        if (select.PciAddresses.IsEmpty)
        {
            if (select.PciAddressIsList)
            {
                Diagnostics.Error(
                    DiagnosticCodes.InvalidValue,
                    select.Location,
                    SpecPath.Child(select.Path, "pciAddress"),
                    "the pciAddress list is empty",
                    "list at least one address, e.g. [\"0000:6b:00.0\"]");
            }

            return null;
        }

        var addresses = ImmutableArray.CreateBuilder<PciAddress>(select.PciAddresses.Length);
        var seen = new Dictionary<PciAddress, SourceLocation>();
        foreach (var text in select.PciAddresses)
        {
            if (!PciAddress.TryParse(text.Value, out var address))
            {
                Diagnostics.Error(
                    DiagnosticCodes.InvalidPciAddress,
                    text,
                    $"'{SpecText.Show(text.Value)}' is not a PCI address",
                    "write domain:bus:device.function in ASCII hex digits, e.g. \"0000:6b:00.0\" (device 00-1f, function 0-7); lspci -D lists them");
            }
            else if (rules.FirstOf(seen, address, text, $"the address {address}", DiagnosticCodes.DuplicateName)
                && Claim($"pciAddress {address}", deviceName, text))
            {
                addresses.Add(address);
            }
        }

        if (addresses.Count != select.PciAddresses.Length)
        {
            return null;
        }

        return select.PciAddressIsList
            ? new DeviceSelector(PciAddresses: addresses.ToImmutable())
            : new DeviceSelector(PciAddress: addresses[0]);
    }

    private DeviceSelector? ConvertIds(SelectorDto select, string? deviceName)
    {
        foreach (var (present, missing) in new[] { ("vendor", "device"), ("device", "vendor") })
        {
            if (select.KeysPresent.Contains(present) && !select.KeysPresent.Contains(missing))
            {
                Diagnostics.Error(
                    DiagnosticCodes.MissingKey,
                    select.Location,
                    SpecPath.Child(select.Path, missing),
                    $"'select' has '{present}' but no '{missing}'; the two go together",
                    "give both, e.g. { vendor: \"8086\", device: \"4940\" }");
                return null;
            }
        }

        var vendor = select.Vendor is { } vendorText ? PciId(vendorText, "vendor", "8086") : null;
        var device = select.Device is { } deviceText ? PciId(deviceText, "device", "4940") : null;
        return vendor is not null && device is not null && select.Vendor is { } at
            && Claim($"vendor {vendor} device {device}", deviceName, at)
            ? new DeviceSelector(Vendor: vendor, Device: device)
            : null;
    }

    private string? PciId(Located<string> text, string what, string example)
    {
        if (text.Value.Length == 4 && text.Value.All(char.IsAsciiHexDigit))
        {
            return text.Value.ToLowerInvariant();
        }

        Diagnostics.Error(
            DiagnosticCodes.InvalidValue,
            text,
            $"the PCI {what} ID '{SpecText.Show(text.Value)}' is not 4 hex digits",
            $"write it as lspci -n shows it, in quotes, e.g. \"{example}\"");
        return null;
    }

    private bool Claim<T>(string selection, string? deviceName, Located<T> at)
    {
        if (_claimed.TryGetValue(selection, out var owner))
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                at,
                $"{selection} is already selected by device entry '{owner.Device}' (line {owner.At.Line})",
                "a PF belongs to one device entry; remove it from one of them");
            return false;
        }

        _claimed[selection] = (deviceName ?? "(unnamed)", at.Location);
        return true;
    }
}
