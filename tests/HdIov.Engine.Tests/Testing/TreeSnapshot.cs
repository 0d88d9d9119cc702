using System.Security.Cryptography;
using System.Text;

namespace HdIov.Engine.Tests.Testing;

/// <summary>Every file, link and directory under a root with its content hash, to prove that nothing changed.</summary>
public static class TreeSnapshot
{
    public static IReadOnlyDictionary<string, string> Take(string root, params string[] excludedTopLevel)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                var relative = Path.GetRelativePath(root, entry.FullName);
                if (excludedTopLevel.Any(e => relative == e || relative.StartsWith(e + "/", StringComparison.Ordinal)))
                {
                    continue;
                }

                if (entry.LinkTarget is { } target)
                {
                    result[relative] = "-> " + target;
                }
                else if (entry is DirectoryInfo)
                {
                    result[relative] = "dir";
                    pending.Push(entry.FullName);
                }
                else
                {
                    result[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName)));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// A host's files as giving a device back must leave them: /etc and sysfs. The engine's own journal and ledger, the
    /// simulator's hidden state and /dev (the VFIO container node the kernel makes when VFIO is first used) are aside.
    /// </summary>
    public static IReadOnlyDictionary<string, string> HostFiles(string root) => Take(root, "var/lib/hdiov", ".hdiov-sim", "dev");

    /// <summary>Fails with every file that differs.</summary>
    public static void AssertUnchanged(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var difference = Difference(before, after);
        Xunit.Assert.True(difference.Length == 0, "the host is not as it was:\n" + difference);
    }

    public static string Difference(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var text = new StringBuilder();
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(key, out var was);
            after.TryGetValue(key, out var now);
            if (was != now)
            {
                text.Append(key).Append(": ").Append(was ?? "(absent)").Append(" => ").AppendLine(now ?? "(absent)");
            }
        }

        return text.ToString();
    }
}
