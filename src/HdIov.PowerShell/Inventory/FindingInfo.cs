using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>A readiness finding with its level as text, so JSON and tables read the same.</summary>
public sealed class FindingInfo
{
    public required string Level { get; init; }

    public required string Code { get; init; }

    public required string Subject { get; init; }

    public required string Message { get; init; }

    public required string Fix { get; init; }

    public static FindingInfo From(ReadinessFinding finding) => new()
    {
        Level = finding.Level.ToString(),
        Code = finding.Code,
        Subject = finding.Subject,
        Message = finding.Message,
        Fix = finding.Fix,
    };
}
