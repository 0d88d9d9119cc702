namespace HdIov.Engine.Interop;

internal static partial class Libc
{
    /// <summary>Bound by SONAME so a development symlink is never required.</summary>
    internal const string LibraryName = "libc.so.6";
}
