using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary><c>free(3)</c>, for memory C libraries hand to the caller (libvirt's XML text and domain arrays).</summary>
    [LibraryImport(LibraryName, EntryPoint = "free")]
    internal static partial void Free(nint pointer);
}
