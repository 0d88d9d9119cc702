using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary>
    /// <c>int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)</c>: the
    /// count, with a malloc'd array of domain references the caller frees (each with virDomainFree, the array with free).
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "virConnectListAllDomains")]
    internal static unsafe partial int ConnectListAllDomains(SafeVirConnectHandle conn, nint** domains, uint flags);
}
