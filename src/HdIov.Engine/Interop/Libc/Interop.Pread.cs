using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "pread", SetLastError = true)]
    internal static unsafe partial nint Pread(SafeFdHandle fd, byte* buffer, nuint count, long offset);
}
