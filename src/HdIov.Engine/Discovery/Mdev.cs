using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Discovery;

/// <summary>A device registered with the mdev core (<c>/sys/class/mdev_bus/&lt;name&gt;</c>).</summary>
public sealed record MdevParent(
    string Name,
    PciAddress? PciAddress,
    string? Driver,
    ImmutableArray<MdevType> Types)
{
    public MdevType? FindType(string id) => Types.FirstOrDefault(t => t.Id == id);
}

/// <summary>A directory under <c>mdev_supported_types</c>.</summary>
public sealed record MdevType(
    string Id,
    string? Name,
    string? Description,
    string DeviceApi,
    AvailableInstances Available,
    ImmutableArray<Guid> Devices);

/// <summary>
/// <c>available_instances</c> as printed: a count from the mdev core and most drivers, or a word from drivers
/// that print something else (some out-of-tree drivers print a word instead of a count).
/// </summary>
public readonly record struct AvailableInstances(int? Count, string Raw)
{
    public static AvailableInstances Parse(string text)
    {
        var trimmed = text.Trim();
        return int.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? new AvailableInstances(count, trimmed)
            : new AvailableInstances(null, trimmed);
    }

    public bool IsNumeric => Count is not null;

    public override string ToString() => Raw;
}

/// <summary>A live mediated device (<c>/sys/bus/mdev/devices/&lt;uuid&gt;</c>).</summary>
public sealed record MdevDevice(Guid Uuid, string Parent, string Type, int? IommuGroup);

/// <summary>A persisted definition under <c>/etc/mdevctl.d/&lt;parent&gt;/&lt;uuid&gt;</c>, in mdevctl's own format.</summary>
public sealed record MdevctlDefinition(Guid Uuid, string Parent, string Type, bool AutoStart, ImmutableArray<KeyValuePair<string, string>> Attributes);
