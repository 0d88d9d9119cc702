using Microsoft.Win32.SafeHandles;

namespace HdIov.Engine.Interop;

/// <summary>A file descriptor from <c>open(2)</c>, closed with <c>close(2)</c>.</summary>
internal sealed class SafeFdHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFdHandle()
        : base(ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == -1;

    public static SafeFdHandle FromDescriptor(int descriptor)
    {
        var fd = new SafeFdHandle();
        fd.SetHandle(descriptor);
        return fd;
    }

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
