using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>
/// Which IOMMU groups a process holds open: a VM (QEMU) or a user-space driver using a VDEV keeps
/// <c>/dev/vfio/&lt;group&gt;</c> open, which shows as a link among <c>/proc/&lt;pid&gt;/fd</c>. Read only when a
/// removal needs it, since it visits every process's descriptors.
/// </summary>
public static class VfioGroupUsageReader
{
    private const string Proc = "/proc";
    private const string VfioPrefix = "/dev/vfio/";

    /// <summary>Each open group with the lowest id of a process that holds it.</summary>
    public static ImmutableSortedDictionary<int, int> Read(IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var open = ImmutableSortedDictionary.CreateBuilder<int, int>();
        foreach (var entry in host.ListDirectory(Proc))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            foreach (var group in GroupsOf(host, pid))
            {
                if (!open.TryGetValue(group, out var holder) || pid < holder)
                {
                    open[group] = pid;
                }
            }
        }

        return open.ToImmutable();
    }

    /// <summary>The IOMMU groups whose <c>/dev/vfio/&lt;group&gt;</c> process <paramref name="pid"/> has open.</summary>
    internal static List<int> GroupsOf(IHost host, int pid)
    {
        var groups = new List<int>();
        var fdDirectory = string.Create(CultureInfo.InvariantCulture, $"{Proc}/{pid}/fd");
        try
        {
            if (!host.IsDirectory(fdDirectory))
            {
                return groups;
            }

            foreach (var fd in host.ListDirectory(fdDirectory))
            {
                var target = host.ReadLink($"{fdDirectory}/{fd}");
                if (target is not null && target.StartsWith(VfioPrefix, StringComparison.Ordinal)
                    && int.TryParse(target.AsSpan(VfioPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var group))
                {
                    groups.Add(group);
                }
            }
        }
        catch (Exception gone) when (gone is IOException or UnauthorizedAccessException)
        {
            // The process ended while it was read, or its descriptors are not ours to see.
        }

        return groups;
    }
}
