using Microsoft.Win32.SafeHandles;

namespace HdIov.Engine.Interop;

/// <summary>A reference to a libvirt domain (<c>virDomainPtr</c>), released with <c>virDomainFree</c>.</summary>
internal sealed class SafeVirDomainHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeVirDomainHandle()
        : base(ownsHandle: true)
    {
    }

    public static SafeVirDomainHandle FromPointer(nint domain)
    {
        var handle = new SafeVirDomainHandle();
        handle.SetHandle(domain);
        return handle;
    }

    protected override bool ReleaseHandle() => Libvirt.DomainFree(handle) == 0;
}
