using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary>readlink(2): the target's length in bytes (not NUL-terminated), or -1.</summary>
    [LibraryImport(LibraryName, EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial nint ReadLink(string path, byte* buffer, nuint size);
}
