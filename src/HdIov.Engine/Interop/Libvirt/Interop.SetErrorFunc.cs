using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary>
    /// <c>void virSetErrorFunc(void *userData, virErrorFunc handler)</c>. libvirt's default handler prints every error
    /// to stderr; the engine installs a silent one and reports errors itself.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "virSetErrorFunc")]
    internal static unsafe partial void SetErrorFunc(nint userData, delegate* unmanaged<nint, nint, void> handler);
}
