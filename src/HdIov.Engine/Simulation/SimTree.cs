using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Simulation;

/// <summary>
/// The kernel model's own hand on the simulated tree: plain file operations on host paths under the root,
/// with relative symbolic links as sysfs has them. Nothing here is counted as a host write.
/// </summary>
internal sealed class SimTree
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public SimTree(RootedFileSystem files) => Files = files;

    public RootedFileSystem Files { get; }

    public string Physical(string path) => Files.Physical(path);

    public bool Exists(string path) => File.Exists(Physical(path)) || Directory.Exists(Physical(path)) || IsLink(path);

    public bool IsLink(string path) => new FileInfo(Physical(path)).LinkTarget is not null;

    public bool IsDirectory(string path) => Directory.Exists(Physical(path));

    public void MakeDirectory(string path) => Directory.CreateDirectory(Physical(path));

    public void Text(string path, string content)
    {
        var physical = Physical(path);
        Directory.CreateDirectory(Path.GetDirectoryName(physical)!);
        File.WriteAllText(physical, content, Utf8);
    }

    public void Bytes(string path, byte[] content)
    {
        var physical = Physical(path);
        Directory.CreateDirectory(Path.GetDirectoryName(physical)!);
        File.WriteAllBytes(physical, content);
    }

    public string ReadText(string path) => File.ReadAllText(Physical(path));

    public byte[] ReadBytes(string path) => File.ReadAllBytes(Physical(path));

    /// <summary>Creates (or replaces) a symbolic link at <paramref name="link"/> whose target is <paramref name="target"/> expressed relative to the link's directory.</summary>
    public void Link(string link, string target)
    {
        var physical = Physical(link);
        Directory.CreateDirectory(Path.GetDirectoryName(physical)!);
        if (IsLink(link) || File.Exists(physical))
        {
            File.Delete(physical);
        }

        File.CreateSymbolicLink(physical, Relative(HostPath.Parent(link), target));
    }

    /// <summary>The host path a link points at, resolved against the link's directory (one hop).</summary>
    public string? LinkTarget(string link)
    {
        var target = new FileInfo(Physical(link)).LinkTarget;
        if (target is null)
        {
            return null;
        }

        if (target.StartsWith('/'))
        {
            return target;
        }

        var parts = HostPath.Parent(link).Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>Removes a file, a link (never what it points at) or a directory tree.</summary>
    public void Remove(string path)
    {
        var physical = Physical(path);
        if (IsLink(path) || File.Exists(physical))
        {
            File.Delete(physical);
        }
        else if (Directory.Exists(physical))
        {
            RemoveTree(physical);
        }
    }

    public IReadOnlyList<string> List(string path) => Files.ListDirectory(path);

    public static string Relative(string fromDirectory, string target)
    {
        var from = fromDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var to = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var common = 0;
        while (common < from.Length && common < to.Length && from[common] == to[common])
        {
            common++;
        }

        var up = Enumerable.Repeat("..", from.Length - common);
        var relative = string.Join('/', up.Concat(to.Skip(common)));
        return relative.Length == 0 ? "." : relative;
    }

    private static void RemoveTree(string physical)
    {
        foreach (var entry in new DirectoryInfo(physical).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null || entry is FileInfo)
            {
                entry.Delete();
            }
            else
            {
                RemoveTree(entry.FullName);
            }
        }

        Directory.Delete(physical);
    }
}
