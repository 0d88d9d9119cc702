using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>The CPU from CPUID, sockets from <c>/proc/cpuinfo</c> <c>physical id</c>, NUMA nodes from sysfs.</summary>
internal static class CpuReader
{
    public static CpuInfo Read(SysfsReader sysfs)
    {
        var host = sysfs.Host;
        return CpuIdentification.Decode(host.CpuId, CountSockets(sysfs.TryReadText(KernelPaths.CpuInfo)), CountNodes(sysfs));
    }

    internal static int CountSockets(string? cpuinfo)
    {
        if (cpuinfo is null)
        {
            return 0;
        }

        // A two-socket host lists hundreds of processors: walk the text without splitting it into strings.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var processors = 0;
        foreach (var line in cpuinfo.AsSpan().EnumerateLines())
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            if (key.SequenceEqual("physical id"))
            {
                var id = line[(colon + 1)..].Trim();
                if (!ids.GetAlternateLookup<ReadOnlySpan<char>>().Contains(id))
                {
                    ids.Add(id.ToString());
                }
            }
            else if (key.SequenceEqual("processor"))
            {
                processors++;
            }
        }

        return ids.Count > 0 ? ids.Count : processors > 0 ? 1 : 0;
    }

    private static int CountNodes(SysfsReader sysfs) =>
        sysfs.Host.ListDirectory(KernelPaths.NumaNodes)
            .Count(name => name.Length > 4 && name.StartsWith("node", StringComparison.Ordinal) && name[4..].All(char.IsAsciiDigit));
}
