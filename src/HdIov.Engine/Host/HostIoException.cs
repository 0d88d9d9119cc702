using HdIov.Engine.Interop;

namespace HdIov.Engine.Host;

/// <summary>A host operation failed with a kernel errno. The message names the path, the operation and what to do.</summary>
public sealed class HostIoException : IOException
{
    public HostIoException(Errno errno, string path, string operation, string message, string hint)
        : base(message)
    {
        Errno = errno;
        Path = path;
        Operation = operation;
        Hint = hint;
    }

    public HostIoException()
        : this(Errno.EIO, string.Empty, string.Empty, "host I/O failed", string.Empty)
    {
    }

    public HostIoException(string message)
        : this(Errno.EIO, string.Empty, string.Empty, message, string.Empty)
    {
    }

    public HostIoException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errno = Errno.EIO;
        Path = string.Empty;
        Operation = string.Empty;
        Hint = string.Empty;
    }

    public Errno Errno { get; }

    public string Path { get; }

    public string Operation { get; }

    /// <summary>What the user can do about it.</summary>
    public string Hint { get; }

    public static HostIoException FromErrno(Errno errno, string path, string operation)
    {
        var (meaning, hint) = ErrnoText.Describe(errno, path);
        return new HostIoException(errno, path, operation, $"{operation} {path}: {meaning} ({errno})", hint);
    }
}
