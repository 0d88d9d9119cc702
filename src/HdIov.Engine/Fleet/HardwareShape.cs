using System.Collections.Immutable;

namespace HdIov.Engine.Fleet;

/// <summary>
/// What makes two hosts the same for a canary: the CPU model, the device families present, and the kernel. The
/// first wave of a rollout with hardware canaries takes one host of each shape.
/// </summary>
public sealed record HardwareShape(string CpuModel, ImmutableSortedSet<string> Families, string KernelRelease)
{
    public bool Equals(HardwareShape? other) =>
        other is not null
        && string.Equals(CpuModel, other.CpuModel, StringComparison.Ordinal)
        && string.Equals(KernelRelease, other.KernelRelease, StringComparison.Ordinal)
        && Families.SetEquals(other.Families);

    public override int GetHashCode() => HashCode.Combine(CpuModel, KernelRelease, string.Join(",", Families));

    public override string ToString() => $"{CpuModel}; {(Families.IsEmpty ? "no splittable devices" : string.Join(", ", Families))}; kernel {KernelRelease}";
}
