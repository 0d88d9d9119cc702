using System.Globalization;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Discovery;

/// <summary>
/// Reads of kernel attributes through <see cref="IHost"/> that treat a file which vanished between listing and
/// reading (a device removed mid-walk) as absent rather than as an error.
/// </summary>
internal sealed class SysfsReader(IHost host)
{
    public IHost Host => host;

    public static bool IsGone(HostIoException error) => error.Errno is Errno.ENOENT or Errno.ENODEV or Errno.ENOTDIR;

    /// <summary>The attribute's text, or null when it is absent or vanished while read.</summary>
    public string? TryReadText(string path) => host.TryReadText(path);

    public string? TryReadLine(string path) => TryReadText(path)?.Trim();

    public byte[]? TryReadBytes(string path) => host.TryReadBytes(path);

    /// <summary>The last segment of a symbolic link's target (<c>driver</c>, <c>iommu_group</c>, <c>physfn</c>), or null.</summary>
    public string? LinkName(string path)
    {
        var target = host.ReadLink(path);
        if (string.IsNullOrEmpty(target))
        {
            return null;
        }

        var trimmed = target.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var name = slash < 0 ? trimmed : trimmed[(slash + 1)..];
        return name.Length == 0 ? null : name;
    }

    public static string Name(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    public static int? ParseInt(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A hexadecimal attribute, with or without a <c>0x</c> prefix (sysfs prints both styles).</summary>
    public static ulong? ParseHex(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[2..];
        }

        return ulong.TryParse(trimmed, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
