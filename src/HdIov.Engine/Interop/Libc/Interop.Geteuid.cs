using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary><c>uid_t geteuid(void)</c>: the effective user id of this process; never fails.</summary>
    [LibraryImport(LibraryName, EntryPoint = "geteuid")]
    internal static partial uint Geteuid();
}
