using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)</c>: malloc'd text the caller frees; NULL on error.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainGetXMLDesc")]
    internal static partial nint DomainGetXMLDesc(SafeVirDomainHandle domain, uint flags);
}
