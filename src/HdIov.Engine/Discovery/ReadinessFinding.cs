namespace HdIov.Engine.Discovery;

public enum ReadinessLevel
{
    Ok,
    Warning,
    Blocker,
}

/// <summary>"Why is this not usable": one check of the platform, with the evidence and the fix.</summary>
public sealed record ReadinessFinding(string Code, ReadinessLevel Level, string Subject, string Message, string Fix);
