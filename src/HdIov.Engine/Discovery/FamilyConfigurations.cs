using System.Collections.Immutable;
using System.Text.Json.Serialization;
using HdIov.Engine.Families;

namespace HdIov.Engine.Discovery;

/// <summary>
/// The configuration each device family read from the host, found by the family's own type. As JSON it is the files
/// each family read, and each family parses its own again.
/// </summary>
[JsonConverter(typeof(FamilyConfigurationsJsonConverter))]
public sealed class FamilyConfigurations
{
    private readonly ImmutableArray<FamilyConfiguration> _configurations;

    public FamilyConfigurations(IEnumerable<FamilyConfiguration> configurations) => _configurations = [.. configurations];

    public static FamilyConfigurations None { get; } = new([]);

    /// <summary>Each configuration, as its family read it.</summary>
    public IReadOnlyList<FamilyConfiguration> All => _configurations;

    /// <summary>Every file the families read, in path order.</summary>
    public IEnumerable<(string Path, string Text)> Files =>
        _configurations.SelectMany(c => c.Files).OrderBy(f => f.Path, StringComparer.Ordinal);

    /// <summary>The configuration of the family that reads <typeparamref name="T"/>, or null when it read none.</summary>
    public T? Find<T>()
        where T : FamilyConfiguration =>
        _configurations.OfType<T>().FirstOrDefault();

    /// <summary>Asks every family for its configuration.</summary>
    internal static FamilyConfigurations Read(SysfsReader sysfs, List<ReadinessFinding> problems) =>
        new(DeviceFamilies.All.Select(f => f.ReadConfiguration(sysfs, problems)).OfType<FamilyConfiguration>());
}
