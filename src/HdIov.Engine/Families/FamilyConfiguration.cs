namespace HdIov.Engine.Families;

/// <summary>
/// What one device family reads from the host's configuration files (for example a driver's per-device config); the
/// host state keeps it for the family, which alone knows its shape.
/// </summary>
public abstract record FamilyConfiguration
{
    /// <summary>The name of the family that read it.</summary>
    public abstract string Family { get; }

    /// <summary>The files read, by path and text: the state's fingerprint covers them.</summary>
    public abstract IEnumerable<(string Path, string Text)> Files { get; }
}
