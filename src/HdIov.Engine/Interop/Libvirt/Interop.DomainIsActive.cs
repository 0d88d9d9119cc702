using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>int virDomainIsActive(virDomainPtr dom)</c>: 1 running, 0 shut off, -1 on error.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainIsActive")]
    internal static partial int DomainIsActive(SafeVirDomainHandle domain);
}
