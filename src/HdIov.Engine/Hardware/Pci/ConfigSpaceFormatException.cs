namespace HdIov.Engine.Hardware.Pci;

/// <summary>A PCI config space blob that cannot be read at all, e.g. shorter than the 64-byte header.</summary>
public sealed class ConfigSpaceFormatException : FormatException
{
    public ConfigSpaceFormatException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    public ConfigSpaceFormatException()
        : this("the PCI config space is malformed", 0)
    {
    }

    public ConfigSpaceFormatException(string message)
        : this(message, 0)
    {
    }

    public ConfigSpaceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The byte offset the problem was found at.</summary>
    public int Offset { get; }
}
