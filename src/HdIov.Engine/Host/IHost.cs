namespace HdIov.Engine.Host;

/// <summary>
/// Everything the engine does to a machine goes through this seam. Paths are absolute paths in the
/// host's own namespace (<c>/sys/bus/pci/devices</c>); the implementation maps them under its root,
/// which is <c>/</c> on a real host and a folder for a simulated one.
/// </summary>
public interface IHost
{
    /// <summary>The directory that stands for <c>/</c>.</summary>
    string Root { get; }

    /// <summary>True when a kernel model, not a kernel, answers the writes.</summary>
    bool IsSimulated { get; }

    bool Exists(string path);

    bool IsDirectory(string path);

    string ReadText(string path);

    byte[] ReadBytes(string path);

    /// <summary>
    /// The file's text, or null when it does not exist (or vanished while read). A host answers in one open where it
    /// can: walks read many optional attributes, and asking first whether each exists doubles the system calls.
    /// </summary>
    string? TryReadText(string path) => Absent(() => Exists(path) ? ReadText(path) : null);

    /// <summary>The file's bytes, or null when it does not exist (or vanished while read).</summary>
    byte[]? TryReadBytes(string path) => Absent(() => Exists(path) ? ReadBytes(path) : null);

    /// <summary>Entry names of a directory, sorted ordinally; empty when the directory does not exist.</summary>
    IReadOnlyList<string> ListDirectory(string path);

    /// <summary>The raw target of a symbolic link, or null when the path is not a link.</summary>
    string? ReadLink(string path);

    /// <summary>The canonical host path after following every link; links never escape the root.</summary>
    string ResolvePath(string path);

    /// <summary>One write of a sysfs-style attribute, as <c>echo value &gt; path</c>; kernel errors surface as <see cref="HostIoException"/>.</summary>
    void WriteAttribute(string path, string value);

    /// <summary>Replaces a regular file atomically (write to a temporary file, then rename), creating parent directories.</summary>
    void WriteFile(string path, string content);

    /// <summary>Appends to a regular file (journals and logs), creating it and its parent directories.</summary>
    void AppendFile(string path, string content);

    void DeleteFile(string path);

    /// <summary>Removes an empty folder (<c>rmdir</c>); callers check that it is empty first.</summary>
    void DeleteDirectory(string path);

    /// <summary>Runs a program on the host, e.g. a device family's control tool; the simulated host answers the ones its kernel model knows.</summary>
    CommandResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);

    /// <summary>Executes CPUID on a real host; a simulated host answers from its profile.</summary>
    CpuIdResult CpuId(uint leaf, uint subleaf);

    KernelRelease KernelRelease { get; }

    /// <summary>Takes the exclusive lock on a file under the root, waiting up to <paramref name="timeout"/>.</summary>
    IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default);

    DateTimeOffset Now { get; }

    private static T? Absent<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (HostIoException error) when (error.Errno is Interop.Errno.ENOENT or Interop.Errno.ENODEV or Interop.Errno.ENOTDIR)
        {
            return null;
        }
    }
}
