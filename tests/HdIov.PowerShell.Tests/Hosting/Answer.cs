namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>The answers PowerShell offers at a confirmation prompt, by the label a person reads.</summary>
public enum Answer
{
    Yes,
    YesToAll,
    No,
    NoToAll,
}
