namespace HdIov.Pulumi.Transport;

/// <summary>The host could not be reached, or refused the connection, or has no usable HdIov module: nothing on it was changed.</summary>
internal sealed class HostUnreachableException : Exception
{
    public HostUnreachableException(string message)
        : base(message)
    {
    }

    public HostUnreachableException()
    {
    }

    public HostUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
