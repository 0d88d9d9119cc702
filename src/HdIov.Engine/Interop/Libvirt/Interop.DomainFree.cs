using System.Runtime.InteropServices;

namespace HdIov.Engine.Interop;

internal static partial class Libvirt
{
    /// <summary><c>int virDomainFree(virDomainPtr domain)</c>: releases the reference, not the domain.</summary>
    [LibraryImport(LibraryName, EntryPoint = "virDomainFree")]
    internal static partial int DomainFree(nint domain);
}
