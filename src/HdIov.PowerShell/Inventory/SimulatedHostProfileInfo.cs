using HdIov.Engine.Simulation;

namespace HdIov.PowerShell.Inventory;

/// <summary>A platform a simulated host can be built as: its name (the value for -Profile), what it is, its kernel and CPU.</summary>
public sealed class SimulatedHostProfileInfo
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required string Kernel { get; init; }

    public required string Cpu { get; init; }

    /// <summary>The kernel command line the profile's boot loader is configured with.</summary>
    public required string BootArguments { get; init; }

    public static SimulatedHostProfileInfo From(SimulatedHostProfile profile) => new()
    {
        Name = profile.Name,
        Description = profile.Description,
        Kernel = profile.KernelRelease,
        Cpu = profile.CpuModel,
        BootArguments = profile.BootArguments,
    };
}
