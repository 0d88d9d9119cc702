using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HdIov.Engine.Model;

/// <summary>
/// The spec-derived name of a virtual device: <c>device/pfOrdinal/type/ordinal</c>, e.g. <c>qat/0/asym/3</c>.
/// PF ordinals count the PFs a device entry selects, in PCI address order.
/// </summary>
public sealed record VdevName(string Device, int PfOrdinal, string Type, int Ordinal)
{
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out VdevName? name)
    {
        name = null;
        var parts = text?.Split('/');
        if (parts is not { Length: 4 }
            || !Names.IsValid(parts[0])
            || !Names.IsValidTypeName(parts[2])
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pf)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            return false;
        }

        name = new VdevName(parts[0], pf, parts[2], ordinal);
        return true;
    }

    /// <summary>Orders by device, PF ordinal, type, then ordinal (numerically, so 10 follows 9).</summary>
    public static IComparer<VdevName> Order { get; } = Comparer<VdevName>.Create((a, b) =>
    {
        var byDevice = string.CompareOrdinal(a.Device, b.Device);
        if (byDevice != 0)
        {
            return byDevice;
        }

        var byPf = a.PfOrdinal.CompareTo(b.PfOrdinal);
        if (byPf != 0)
        {
            return byPf;
        }

        var byType = string.CompareOrdinal(a.Type, b.Type);
        return byType != 0 ? byType : a.Ordinal.CompareTo(b.Ordinal);
    });

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Device}/{PfOrdinal}/{Type}/{Ordinal}");
}
