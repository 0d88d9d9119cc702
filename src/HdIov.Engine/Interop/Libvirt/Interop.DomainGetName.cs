using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>const char *virDomainGetName(virDomainPtr domain)</c>: owned by the domain object, not freed by the caller.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainGetName")]
    internal static partial nint DomainGetName(nint domain);
}
