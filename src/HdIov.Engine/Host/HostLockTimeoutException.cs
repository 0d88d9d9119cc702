namespace HdIov.Engine.Host;

/// <summary>Another apply holds the host lock.</summary>
public sealed class HostLockTimeoutException : Exception
{
    public HostLockTimeoutException(string lockPath, string holder, TimeSpan waited)
        : base($"another apply is running on this host (lock {lockPath} held by pid {holder}); waited {waited.TotalSeconds:0.#} s. Wait for it to finish, or raise the lock timeout.")
    {
        LockPath = lockPath;
        Holder = holder;
    }

    public HostLockTimeoutException()
        : this(string.Empty, "unknown", TimeSpan.Zero)
    {
    }

    public HostLockTimeoutException(string message)
        : base(message)
    {
        LockPath = string.Empty;
        Holder = "unknown";
    }

    public HostLockTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        LockPath = string.Empty;
        Holder = "unknown";
    }

    public string LockPath { get; }

    public string Holder { get; }
}
