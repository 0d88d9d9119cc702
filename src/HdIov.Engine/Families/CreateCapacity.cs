namespace HdIov.Engine.Families;

/// <summary>The answer to "do this many more VDEVs fit": fits, does not (with why and the fix), or cannot be told before applying.</summary>
internal sealed record CreateCapacity(CreateCapacityVerdict Verdict, string Message = "", string Fix = "")
{
    public static CreateCapacity Fits { get; } = new(CreateCapacityVerdict.Fits);

    public static CreateCapacity Exceeded(string message, string fix) => new(CreateCapacityVerdict.Exceeded, message, fix);

    public static CreateCapacity Unknown(string message, string fix) => new(CreateCapacityVerdict.Unknown, message, fix);
}

internal enum CreateCapacityVerdict
{
    Fits,
    Exceeded,
    Unknown,
}
