using System.Globalization;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Host;

/// <summary>An exclusive <c>flock(2)</c> held until disposed; the holder's pid is written into the file for messages.</summary>
internal sealed class FileLock : IDisposable
{
    private readonly SafeFdHandle _fd;

    private FileLock(SafeFdHandle fd) => _fd = fd;

    public static FileLock Acquire(RootedFileSystem files, string path, TimeSpan timeout, Func<DateTimeOffset> clock, CancellationToken cancellationToken)
    {
        var physical = files.Physical(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(physical)!);
        var fd = NativeIo.OpenLockFile(physical, path);
        var deadline = clock() + timeout;
        try
        {
            while (!NativeIo.TryLockExclusive(fd, path))
            {
                if (clock() >= deadline)
                {
                    throw new HostLockTimeoutException(path, ReadHolder(fd), timeout);
                }

                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        NativeIo.WriteLockHolder(fd, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), path);
        return new FileLock(fd);
    }

    public void Dispose() => _fd.Dispose();

    private static string ReadHolder(SafeFdHandle fd) => NativeIo.ReadLockHolder(fd) is { Length: > 0 } holder ? holder : "unknown";
}
