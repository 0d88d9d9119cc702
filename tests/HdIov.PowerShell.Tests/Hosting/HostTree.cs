using System.Security.Cryptography;

namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>
/// A simulated host's folder as lines (relative path, kind, content hash or link target), to prove a command changed
/// nothing. Symbolic links are recorded, never followed: like sysfs, a simulated host has link loops.
/// </summary>
internal static class HostTree
{
    /// <summary>The simulator's lock file records which process opened the host last; it is not host state.</summary>
    private const string KernelLock = ".hdiov-sim/kernel.lock";

    public static IReadOnlyList<string> Snapshot(string root)
    {
        var lines = new List<string>();
        Walk(new DirectoryInfo(root), root, lines);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Walk(DirectoryInfo directory, string root, List<string> lines)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            if (relative == KernelLock)
            {
                continue;
            }

            if (entry.LinkTarget is { } target)
            {
                lines.Add($"{relative} link {target}");
            }
            else if (entry is DirectoryInfo child)
            {
                lines.Add($"{relative} dir");
                Walk(child, root, lines);
            }
            else
            {
                lines.Add($"{relative} file {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName)))}");
            }
        }
    }
}
