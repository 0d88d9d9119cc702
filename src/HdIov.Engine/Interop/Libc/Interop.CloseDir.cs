using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "closedir", SetLastError = true)]
    internal static partial int CloseDir(nint directory);
}
