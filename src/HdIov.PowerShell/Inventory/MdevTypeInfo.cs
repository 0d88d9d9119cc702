using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>One mdev type on one parent: what it is, how many more can be created, how many exist.</summary>
public sealed class MdevTypeInfo
{
    public required string Parent { get; init; }

    public required string? Driver { get; init; }

    public required string Type { get; init; }

    public required string? Name { get; init; }

    public required string DeviceApi { get; init; }

    /// <summary><c>available_instances</c> as the driver prints it: a number, or a word some out-of-tree drivers print.</summary>
    public required string Available { get; init; }

    public required int Instances { get; init; }

    public static MdevTypeInfo From(MdevParent parent, MdevType type) => new()
    {
        Parent = parent.Name,
        Driver = parent.Driver,
        Type = type.Id,
        Name = type.Name,
        DeviceApi = type.DeviceApi,
        Available = type.Available.Raw,
        Instances = type.Devices.Length,
    };
}
