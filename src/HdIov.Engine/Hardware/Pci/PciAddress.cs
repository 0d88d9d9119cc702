using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HdIov.Engine.Hardware.Pci;

/// <summary>
/// A PCI function address, <c>dddd:bb:dd.f</c>, always in the kernel's lower-case form. Parsing is strict ASCII:
/// look-alike digits, missing domains, out-of-range device or function numbers and trailing text are rejected,
/// so a parsed address is always safe to use as a sysfs file name.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(PciAddressJsonConverter))]
public readonly record struct PciAddress(ushort Domain, byte Bus, byte Device, byte Function) : IComparable<PciAddress>
{
    public static PciAddress Parse(string text) =>
        TryParse(text, out var address)
            ? address
            : throw new FormatException($"'{Host.HostPath.Printable(text)}' is not a PCI address; write it as dddd:bb:dd.f, e.g. 0000:6b:00.0");

    public static bool TryParse([NotNullWhen(true)] string? text, out PciAddress address)
    {
        address = default;
        if (text is null || text.Length != 12 || text[4] != ':' || text[7] != ':' || text[10] != '.')
        {
            return false;
        }

        if (!TryHex(text.AsSpan(0, 4), out var domain)
            || !TryHex(text.AsSpan(5, 2), out var bus)
            || !TryHex(text.AsSpan(8, 2), out var device)
            || !TryHex(text.AsSpan(11, 1), out var function)
            || device > 0x1f
            || function > 7)
        {
            return false;
        }

        address = new PciAddress((ushort)domain, (byte)bus, (byte)device, (byte)function);
        return true;
    }

    public int CompareTo(PciAddress other) =>
        (Domain, Bus, Device, Function).CompareTo((other.Domain, other.Bus, other.Device, other.Function));

    public static bool operator <(PciAddress left, PciAddress right) => left.CompareTo(right) < 0;

    public static bool operator >(PciAddress left, PciAddress right) => left.CompareTo(right) > 0;

    public static bool operator <=(PciAddress left, PciAddress right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PciAddress left, PciAddress right) => left.CompareTo(right) >= 0;

    /// <summary>The address <paramref name="routingIdOffset"/> routing IDs further on (SR-IOV VF placement, ARI-style).</summary>
    public PciAddress Offset(int routingIdOffset)
    {
        var routingId = (Bus << 8) + (Device << 3) + Function + routingIdOffset;
        return new PciAddress(Domain, (byte)(routingId >> 8), (byte)((routingId >> 3) & 0x1f), (byte)(routingId & 7));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}.{Function:x1}");

    private static bool TryHex(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
