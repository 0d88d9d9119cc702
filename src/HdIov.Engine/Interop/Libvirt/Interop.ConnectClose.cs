using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>int virConnectClose(virConnectPtr conn)</c>: the remaining reference count, -1 on error.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virConnectClose")]
    internal static partial int ConnectClose(nint conn);
}
