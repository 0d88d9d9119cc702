using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>const char *virGetLastErrorMessage(void)</c>: never NULL ("no error" when there is none); not freed.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virGetLastErrorMessage")]
    internal static partial nint GetLastErrorMessage();
}
