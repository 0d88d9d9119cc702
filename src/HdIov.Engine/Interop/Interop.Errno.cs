namespace HdIov.Engine.Interop;

/// <summary>The Linux errno values the engine maps to actionable messages (asm-generic/errno-base.h, errno.h).</summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENOSPC = 28,
    EROFS = 30,
    ERANGE = 34,
    EWOULDBLOCK = EAGAIN,
    ENOTSUP = 95,
    EUSERS = 87,
}
