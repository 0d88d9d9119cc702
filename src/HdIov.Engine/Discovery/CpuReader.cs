using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>The CPU from CPUID, sockets from <c>/proc/cpuinfo</c> <c>physical id</c>, NUMA nodes from sysfs.</summary>
internal static class CpuReader
{
    public static CpuInfo Read(SysfsReader sysfs)
    {
        var host = sysfs.Host;
        return CpuIdentification.Decode(host.CpuId, CountSockets(sysfs.TryReadBytes(KernelPaths.CpuInfo)), CountNodes(sysfs));
    }

    /// <summary>
    /// The distinct <c>physical id</c> values, or 1 when only <c>processor</c> lines are given. A two-socket host lists
    /// hundreds of processors (hundreds of kilobytes), so the bytes are walked in place: only lines that start with
    /// 'p' are looked at, and nothing is decoded.
    /// </summary>
    internal static int CountSockets(ReadOnlySpan<byte> cpuinfo)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        ReadOnlySpan<byte> lastId = default;
        var processors = 0;
        var rest = cpuinfo;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = (end < 0 ? rest : rest[..end]).TrimStart(" \t"u8);
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty || line[0] != (byte)'p' || line.IndexOf((byte)':') is var colon && colon < 0)
            {
                continue;
            }

            var key = line[..colon].TrimEnd(" \t"u8);
            if (key.SequenceEqual("physical id"u8))
            {
                // Neighbouring processors mostly share a socket: only a new value becomes a string.
                var id = line[(colon + 1)..].Trim(" \t\r"u8);
                if (!id.SequenceEqual(lastId))
                {
                    ids.Add(System.Text.Encoding.ASCII.GetString(id));
                    lastId = id;
                }
            }
            else if (key.SequenceEqual("processor"u8))
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
