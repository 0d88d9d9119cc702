using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name)</c>; NULL with VIR_ERR_NO_DOMAIN when absent.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainLookupByName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SafeVirDomainHandle DomainLookupByName(SafeVirConnectHandle conn, string name);
}
