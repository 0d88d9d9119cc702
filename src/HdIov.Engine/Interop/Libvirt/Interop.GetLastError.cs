using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary>
    /// <c>virErrorPtr virGetLastError(void)</c>: this thread's last error, owned by libvirt; NULL when none. Only the
    /// leading fields of <c>virError</c> are read (<see cref="VirErrorHead"/>).
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "virGetLastError")]
    internal static unsafe partial VirErrorHead* GetLastError();

    /// <summary>The first members of <c>struct _virError</c>: <c>int code; int domain; char *message; int level;</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirErrorHead
    {
        public int Code;
        public int Domain;
        public nint Message;
        public int Level;
    }
}
