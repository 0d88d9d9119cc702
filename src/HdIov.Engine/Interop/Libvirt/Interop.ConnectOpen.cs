using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>virConnectPtr virConnectOpen(const char *name)</c>; NULL on failure.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virConnectOpen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SafeVirConnectHandle ConnectOpen(string name);
}
