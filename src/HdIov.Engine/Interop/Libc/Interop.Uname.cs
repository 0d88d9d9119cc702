using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary>glibc's struct utsname: six fields of _UTSNAME_LENGTH (65) bytes each.</summary>
    internal const int UtsFieldLength = 65;
    internal const int UtsNameSize = UtsFieldLength * 6;

    [LibraryImport(LibraryName, EntryPoint = "uname", SetLastError = true)]
    internal static unsafe partial int Uname(byte* buffer);
}
