namespace HdIov.Engine.Simulation;

/// <summary>What the SR-IOV capability of a PF says, with the VF BAR addresses the simulated firmware assigned.</summary>
internal sealed record SriovLayout(
    int TotalVfs,
    int NumVfs,
    int Offset,
    int Stride,
    int VfDevice,
    IReadOnlyList<BarData> VfBars,
    IReadOnlyDictionary<int, ulong> VfBarAddresses);
