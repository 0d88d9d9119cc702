using System.Runtime.InteropServices;
using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Interop;

/// <summary>
/// The single choke point between managed callers and libc: every failing call becomes a
/// <see cref="HostIoException"/> carrying the errno, the path and the operation.
/// </summary>
internal static class NativeIo
{
    /// <summary>One open and one write(2), as <c>echo value &gt; attr</c> does, so the kernel's errno reaches the caller intact.</summary>
    public static unsafe void WriteAttribute(string physicalPath, string hostPath, string value)
    {
        var descriptor = Libc.Open(physicalPath, Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (descriptor < 0)
        {
            throw HostIoException.FromErrno(LastErrno(), hostPath, "open");
        }

        using var fd = SafeFdHandle.FromDescriptor(descriptor);

        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* buffer = bytes)
        {
            var written = Libc.Write(fd, buffer, (nuint)bytes.Length);
            if (written < 0)
            {
                throw HostIoException.FromErrno(LastErrno(), hostPath, "write");
            }
        }
    }

    /// <summary>
    /// Records the lock holder through the locked descriptor itself, padded to a fixed width so a shorter pid
    /// overwrites a longer one. Opening the file again through System.IO would take .NET's own flock and fail.
    /// </summary>
    public static unsafe void WriteLockHolder(SafeFdHandle fd, string holder, string hostPath)
    {
        var bytes = Encoding.ASCII.GetBytes(holder.PadRight(16));
        fixed (byte* buffer = bytes)
        {
            if (Libc.Write(fd, buffer, (nuint)bytes.Length) < 0)
            {
                throw HostIoException.FromErrno(LastErrno(), hostPath, "write");
            }
        }
    }

    /// <summary>
    /// Reads the holder recorded by <see cref="WriteLockHolder"/> through a descriptor of the lock file; System.IO
    /// would take .NET's shared flock to read it, which fails while the holder has the exclusive one.
    /// </summary>
    public static unsafe string ReadLockHolder(SafeFdHandle fd)
    {
        var buffer = stackalloc byte[64];
        var read = Libc.Pread(fd, buffer, 64, 0);
        return read <= 0 ? string.Empty : Encoding.ASCII.GetString(buffer, (int)read).Trim();
    }

    public static SafeFdHandle OpenLockFile(string physicalPath, string hostPath)
    {
        var descriptor = Libc.Open(physicalPath, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0b110_100_100);
        return descriptor < 0
            ? throw HostIoException.FromErrno(LastErrno(), hostPath, "open")
            : SafeFdHandle.FromDescriptor(descriptor);
    }

    /// <summary>Tries to take an exclusive flock without blocking; false when another process holds it.</summary>
    public static bool TryLockExclusive(SafeFdHandle fd, string hostPath)
    {
        if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0)
        {
            return true;
        }

        var errno = LastErrno();
        return errno == Errno.EWOULDBLOCK || errno == Errno.EINTR
            ? false
            : throw HostIoException.FromErrno(errno, hostPath, "flock");
    }

    /// <summary>
    /// A symbolic link's target in one readlink(2), or null when the path is not a link or does not exist: sysfs walks
    /// read several links per device, and asking first whether each exists would triple the system calls.
    /// </summary>
    public static unsafe string? TryReadLink(string physicalPath, string hostPath)
    {
        const int Size = 4096;
        var buffer = stackalloc byte[Size];
        var length = Libc.ReadLink(physicalPath, buffer, Size);
        if (length >= 0)
        {
            return Encoding.UTF8.GetString(buffer, (int)length);
        }

        var errno = LastErrno();
        return errno is Errno.ENOENT or Errno.EINVAL or Errno.ENOTDIR
            ? null
            : throw HostIoException.FromErrno(errno, hostPath, "readlink");
    }

    /// <summary>
    /// A whole file in one open and reads until end of file, or null when it does not exist. System.IO would stat the
    /// path first, then open, stat and flock it; sysfs walks read hundreds of attributes, most of them absent or short.
    /// </summary>
    public static unsafe byte[]? TryReadFile(string physicalPath, string hostPath)
    {
        var descriptor = Libc.Open(physicalPath, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (descriptor < 0)
        {
            var errno = LastErrno();
            return IsAbsent(errno) ? null : throw HostIoException.FromErrno(errno, hostPath, "open");
        }

        using var fd = SafeFdHandle.FromDescriptor(descriptor);
        const int FirstChunk = 4096;
        var first = stackalloc byte[FirstChunk];
        var length = ReadAt(fd, first, FirstChunk, 0, hostPath);
        if (length < FirstChunk)
        {
            var more = ReadAt(fd, first + length, FirstChunk - length, length, hostPath);
            if (more == 0)
            {
                return new ReadOnlySpan<byte>(first, length).ToArray();
            }

            length += more;
        }

        // Longer than one chunk (config space, config files, the ledger), or a short read: read on from where it stands.
        var content = new byte[FirstChunk * 4];
        new ReadOnlySpan<byte>(first, length).CopyTo(content);
        while (true)
        {
            if (length == content.Length)
            {
                Array.Resize(ref content, content.Length * 2);
            }

            int read;
            fixed (byte* buffer = content)
            {
                read = ReadAt(fd, buffer + length, content.Length - length, length, hostPath);
            }

            if (read == 0)
            {
                return content.AsSpan(0, length).ToArray();
            }

            length += read;
        }
    }

    /// <summary>
    /// The names in a directory from its entries alone, or null when it does not exist. System.IO's enumeration stats
    /// every symbolic link it meets, and sysfs directories are mostly links.
    /// </summary>
    public static List<string>? TryListDirectory(string physicalPath, string hostPath)
    {
        var directory = Libc.OpenDir(physicalPath);
        if (directory == 0)
        {
            var errno = LastErrno();
            return IsAbsent(errno) ? null : throw HostIoException.FromErrno(errno, hostPath, "opendir");
        }

        try
        {
            var names = new List<string>();
            while (true)
            {
                var entry = Libc.ReadDir(directory);
                if (entry == 0)
                {
                    var errno = LastErrno();
                    return errno == Errno.None ? names : throw HostIoException.FromErrno(errno, hostPath, "readdir");
                }

                var name = Marshal.PtrToStringUTF8(entry + Libc.DirentNameOffset);
                if (name is { Length: > 0 } and not "." and not "..")
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            Libc.CloseDir(directory);
        }
    }

    public static unsafe KernelRelease Uname()
    {
        var buffer = stackalloc byte[Libc.UtsNameSize];
        if (Libc.Uname(buffer) != 0)
        {
            throw HostIoException.FromErrno(LastErrno(), "uname", "uname");
        }

        string Field(int index) =>
            Marshal.PtrToStringUTF8((nint)(buffer + (index * Libc.UtsFieldLength))) ?? string.Empty;

        return new KernelRelease(Field(0), Field(2), Field(4));
    }

    private static unsafe int ReadAt(SafeFdHandle fd, byte* buffer, int count, long offset, string hostPath)
    {
        while (true)
        {
            var read = Libc.Pread(fd, buffer, (nuint)count, offset);
            if (read >= 0)
            {
                return (int)read;
            }

            var errno = LastErrno();
            if (errno != Errno.EINTR)
            {
                throw HostIoException.FromErrno(errno, hostPath, "read");
            }
        }
    }

    private static bool IsAbsent(Errno errno) => errno is Errno.ENOENT or Errno.ENOTDIR or Errno.ENODEV;

    private static Errno LastErrno() => (Errno)Marshal.GetLastPInvokeError();
}
