namespace HdIov.Engine.Host;

/// <summary>The fields of <c>uname(2)</c> the engine uses.</summary>
public sealed record KernelRelease(string SystemName, string Release, string Machine);
