using System.Text;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Host;

/// <summary>
/// File operations on host paths mapped under a root directory. Symbolic links are followed the way a
/// chroot would: an absolute target starts again at the root, so nothing resolves outside it.
/// </summary>
public sealed class RootedFileSystem
{
    private const int MaxLinkHops = 40;

    public RootedFileSystem(string root)
    {
        Root = System.IO.Path.GetFullPath(root).TrimEnd('/');
        if (Root.Length == 0)
        {
            Root = "/";
        }
    }

    public string Root { get; }

    public string Physical(string hostPath)
    {
        HostPath.Validate(hostPath);
        return Root == "/" ? hostPath : Root + hostPath;
    }

    public bool Exists(string path) => System.IO.Path.Exists(Physical(path));

    public bool IsDirectory(string path) => Directory.Exists(Physical(path));

    public string ReadText(string path) => TryReadText(path) ?? throw HostIoException.FromErrno(Errno.ENOENT, path, "open");

    public byte[] ReadBytes(string path) => TryReadBytes(path) ?? throw HostIoException.FromErrno(Errno.ENOENT, path, "open");

    /// <summary>The file's text (UTF-8, a leading byte order mark dropped), or null when it does not exist.</summary>
    public string? TryReadText(string path) => TryReadBytes(path) is { } bytes ? HostText.Decode(bytes) : null;

    public byte[]? TryReadBytes(string path) => NativeIo.TryReadFile(Physical(path), path);

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var names = NativeIo.TryListDirectory(Physical(path), path);
        if (names is null)
        {
            return [];
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public string? ReadLink(string path) => NativeIo.TryReadLink(Physical(path), path);

    public string ResolvePath(string path)
    {
        HostPath.Validate(path);
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(segment));
            var target = NativeIo.TryReadLink(Physical(candidate), candidate);
            if (target is null)
            {
                resolved.Add(segment);
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw HostIoException.FromErrno(Errno.EIO, path, "resolve (too many links)");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }
        }

        return "/" + string.Join('/', resolved);
    }

    public void WriteAttribute(string path, string value) => NativeIo.WriteAttribute(Physical(path), path, value);

    public void WriteFile(string path, string content)
    {
        var physical = Physical(path);
        Guard(path, "write", () =>
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(physical)!);
            var temporary = physical + ".hdiov-tmp";
            File.WriteAllText(temporary, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, physical, overwrite: true);
            return true;
        });
    }

    public void AppendFile(string path, string content)
    {
        var physical = Physical(path);
        Guard(path, "append", () =>
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(physical)!);
            File.AppendAllText(physical, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return true;
        });
    }

    public void DeleteFile(string path)
    {
        var physical = Physical(path);
        Guard(path, "delete", () =>
        {
            File.Delete(physical);
            return true;
        });
    }

    public void DeleteDirectory(string path)
    {
        var physical = Physical(path);
        Guard(path, "rmdir", () =>
        {
            Directory.Delete(physical, recursive: false);
            return true;
        });
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(Physical(path));

    private static T Guard<T>(string path, string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FileNotFoundException)
        {
            throw HostIoException.FromErrno(Errno.ENOENT, path, operation);
        }
        catch (DirectoryNotFoundException)
        {
            throw HostIoException.FromErrno(Errno.ENOENT, path, operation);
        }
        catch (UnauthorizedAccessException)
        {
            throw HostIoException.FromErrno(Errno.EACCES, path, operation);
        }
    }
}
