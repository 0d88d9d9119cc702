using HdIov.Engine.Interop;

namespace HdIov.Engine.Host;

/// <summary>Turns a kernel errno on a host path into what it means there and how to fix it.</summary>
public static class ErrnoText
{
    public static (string Meaning, string Hint) Describe(Errno errno, string path)
    {
        var file = System.IO.Path.GetFileName(path);
        return (errno, file) switch
        {
            (Errno.EINVAL, "create") => ("the kernel rejected the UUID", "write a canonical lower-case UUID of 36 characters"),
            (Errno.EINVAL, "sriov_numvfs") => ("the kernel rejected the VF count", "write a decimal number"),
            (Errno.EINVAL, _) => ("the kernel rejected the value", "check the value's format for this attribute"),
            (Errno.EEXIST, _) => ("the UUID is already used by another mediated device", "remove that device or pick another UUID; specs derive UUIDs from the host name, so check metadata.name"),
            (Errno.EUSERS or Errno.ENOSPC, _) => ("no instances of this type are left on the parent", "lower the VDEV count, remove unused VDEVs, or raise the device's capacity (Get-HdIovHost shows its readiness and configuration)"),
            (Errno.EBUSY, "sriov_numvfs") => ("VFs are already enabled", "set sriov_numvfs to 0 before setting another count"),
            (Errno.EBUSY, _) => ("the device is in use", "stop the VM or process that holds it, then retry"),
            (Errno.ENODEV, _) => ("the device or its parent driver is gone", "check that the driver is loaded and the parent is registered (Get-HdIovHost)"),
            (Errno.ERANGE, "sriov_numvfs") => ("the VF count is above sriov_totalvfs", "request at most sriov_totalvfs VFs"),
            (Errno.ERANGE, _) => ("the value is out of range", "check the attribute's limits"),
            (Errno.ENOENT, "sriov_numvfs") => ("the driver does not support SR-IOV configuration via sysfs", "bind the PF to a driver that implements sriov_configure"),
            (Errno.ENOENT, _) => ("the file does not exist", "check that the device is present and its driver is loaded"),
            (Errno.EACCES or Errno.EPERM, _) => ("permission denied", "run as root"),
            (Errno.EROFS, _) => ("the file system is read-only", "remount it read-write or run on the host itself"),
            (Errno.EAGAIN, _) => ("the kernel is busy with this device", "retry shortly"),
            (Errno.ENOMEM, _) => ("the driver could not allocate the device", "lower the count or free resources on the parent"),
            _ => ($"errno {(int)errno}", "see the kernel log (dmesg) for the driver's reason"),
        };
    }
}
