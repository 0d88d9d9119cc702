using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary>Where <c>d_name</c> starts in glibc's 64-bit <c>struct dirent</c>: after d_ino, d_off, d_reclen and d_type.</summary>
    internal const int DirentNameOffset = 19;

    /// <summary>
    /// readdir(3): the next <c>struct dirent*</c>, or zero at the end (errno unchanged) or on an error (errno set). The
    /// marshaller clears errno before the call, so a zero errno after it means the end.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "readdir", SetLastError = true)]
    internal static partial nint ReadDir(nint directory);
}
