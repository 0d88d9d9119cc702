using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    internal const int O_RDONLY = 0x0000;
    internal const int O_WRONLY = 0x0001;
    internal const int O_RDWR = 0x0002;
    internal const int O_CREAT = 0x0040;
    internal const int O_CLOEXEC = 0x80000;

    /// <summary>
    /// Returns the C <c>int</c>: a SafeHandle return would widen -1 to 0xFFFFFFFF and hide the failure, so callers
    /// check for -1 and wrap the descriptor themselves (<see cref="SafeFdHandle.FromDescriptor"/>).
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags, uint mode);
}
