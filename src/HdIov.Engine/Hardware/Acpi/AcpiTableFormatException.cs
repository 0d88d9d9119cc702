namespace HdIov.Engine.Hardware.Acpi;

/// <summary>An ACPI table that cannot be parsed: wrong signature, bad checksum, a structure that overruns the table.</summary>
public sealed class AcpiTableFormatException : FormatException
{
    public AcpiTableFormatException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    public AcpiTableFormatException()
        : this("the ACPI table is malformed", 0)
    {
    }

    public AcpiTableFormatException(string message)
        : this(message, 0)
    {
    }

    public AcpiTableFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The byte offset in the table the problem was found at.</summary>
    public int Offset { get; }
}
