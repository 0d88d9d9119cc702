using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>int virDomainDetachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags)</c>: 0 or -1.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainDetachDeviceFlags", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int DomainDetachDeviceFlags(SafeVirDomainHandle domain, string xml, uint flags);
}
