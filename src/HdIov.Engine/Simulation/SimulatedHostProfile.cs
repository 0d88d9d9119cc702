namespace HdIov.Engine.Simulation;

/// <summary>A machine a simulated host can be built as; the hardware and software it describes is data (Profiles/*.json).</summary>
public sealed record SimulatedHostProfile(string Name, string Description, string KernelRelease, string CpuModel, string BootArguments)
{
    internal ProfileData Data { get; init; } = null!;
}
