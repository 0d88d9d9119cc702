namespace HdIov.Engine.Families;

/// <summary>A VDEV key a device entry may declare under <c>vdevs:</c>, and what one VDEV of it is.</summary>
public sealed record SpecTypeKey(string Family, string Key, string Description);
