namespace HdIov.PowerShell.Inventory;

/// <summary>A simulated host that was created: its root folder (the value for -HostRoot) and its profile.</summary>
public sealed class SimulatedHostInfo
{
    public required string Path { get; init; }

    public required string Profile { get; init; }

    public required string Description { get; init; }
}
