namespace HdIov.Pulumi.Values;

/// <summary>A property bag holds something the provider cannot read (an unsupported special object, a malformed reference).</summary>
public sealed class PropertyFormatException : Exception
{
    public PropertyFormatException()
    {
    }

    public PropertyFormatException(string message)
        : base(message)
    {
    }

    public PropertyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
