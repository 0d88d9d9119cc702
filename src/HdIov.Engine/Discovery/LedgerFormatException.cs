namespace HdIov.Engine.Discovery;

/// <summary>The ownership ledger cannot be read; the engine refuses to guess what it owns.</summary>
public sealed class LedgerFormatException : FormatException
{
    public LedgerFormatException(string message)
        : base(message)
    {
    }

    public LedgerFormatException()
        : this("the ownership ledger is not valid")
    {
    }

    public LedgerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
