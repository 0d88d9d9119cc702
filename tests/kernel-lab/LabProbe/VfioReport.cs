using System.Runtime.InteropServices;
using System.Text.Json;

namespace HdIov.KernelLab.Probe;

/// <summary>
/// Asks the kernel's VFIO driver about a group the way a VMM does before it assigns a device: the container's API
/// version and type1 IOMMU support, then the group's status (viable when every device in it is bound to a VFIO
/// driver or none). Prints the answers as one JSON object.
/// </summary>
internal static partial class VfioReport
{
    // linux/vfio.h: _IO(VFIO_TYPE, VFIO_BASE + n) with VFIO_TYPE ';' (0x3b) and VFIO_BASE 100.
    private const nuint VfioGetApiVersion = 0x3b64;
    private const nuint VfioCheckExtension = 0x3b65;
    private const nuint VfioGroupGetStatus = 0x3b67;
    private const int VfioType1Iommu = 1;
    private const uint VfioGroupFlagsViable = 1;
    private const uint VfioGroupFlagsContainerSet = 2;
    private const int ORdWr = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct GroupStatus
    {
        public uint Argsz;
        public uint Flags;
    }

    public static int Print(int group)
    {
        var container = Open("/dev/vfio/vfio");
        try
        {
            var apiVersion = Ioctl(container, VfioGetApiVersion, 0);
            var type1 = Ioctl(container, VfioCheckExtension, VfioType1Iommu);
            var groupFd = Open($"/dev/vfio/{group}");
            try
            {
                var status = new GroupStatus { Argsz = (uint)Marshal.SizeOf<GroupStatus>() };
                if (IoctlStatus(groupFd, VfioGroupGetStatus, ref status) < 0)
                {
                    throw new IOException($"VFIO_GROUP_GET_STATUS on /dev/vfio/{group}: errno {Marshal.GetLastPInvokeError()}");
                }

                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    Group = group,
                    ApiVersion = apiVersion,
                    Type1Iommu = type1 == 1,
                    Flags = status.Flags,
                    Viable = (status.Flags & VfioGroupFlagsViable) != 0,
                    ContainerSet = (status.Flags & VfioGroupFlagsContainerSet) != 0,
                }));
                return 0;
            }
            finally
            {
                _ = Close(groupFd);
            }
        }
        finally
        {
            _ = Close(container);
        }
    }

    private static int Open(string path)
    {
        var fd = OpenNative(path, ORdWr);
        return fd >= 0 ? fd : throw new IOException($"open {path}: errno {Marshal.GetLastPInvokeError()}");
    }

    private static int Ioctl(int fd, nuint request, nint argument)
    {
        var result = IoctlValue(fd, request, argument);
        return result >= 0 ? result : throw new IOException($"ioctl 0x{request:x}: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc.so.6", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlValue(int fd, nuint request, nint argument);

    [LibraryImport("libc.so.6", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlStatus(int fd, nuint request, ref GroupStatus status);
}
