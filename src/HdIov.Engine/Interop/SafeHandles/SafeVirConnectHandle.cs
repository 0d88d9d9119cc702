using Microsoft.Win32.SafeHandles;

namespace HdIov.Engine.Interop;

/// <summary>A libvirt connection (<c>virConnectPtr</c>), closed with <c>virConnectClose</c>.</summary>
internal sealed class SafeVirConnectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeVirConnectHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => Libvirt.ConnectClose(handle) >= 0;
}
