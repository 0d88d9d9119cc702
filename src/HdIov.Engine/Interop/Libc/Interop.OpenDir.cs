using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary>opendir(3): a <c>DIR*</c>, or zero.</summary>
    [LibraryImport(LibraryName, EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint OpenDir(string path);
}
