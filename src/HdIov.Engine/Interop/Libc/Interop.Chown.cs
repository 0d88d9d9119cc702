using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary><c>int chown(const char *path, uid_t owner, gid_t group)</c>: 0, or -1 with errno.</summary>
    [LibraryImport(LibraryName, EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Chown(string path, uint owner, uint group);
}
