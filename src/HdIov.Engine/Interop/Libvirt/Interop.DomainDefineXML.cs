using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml)</c>: defines (or redefines) a persistent domain; NULL on failure.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainDefineXML", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SafeVirDomainHandle DomainDefineXML(SafeVirConnectHandle conn, string xml);
}
