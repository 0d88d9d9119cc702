using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Model;

/// <summary>
/// Hands VDEVs (by their spec names, e.g. <c>qat/0/asym/0</c>) to one libvirt VM, to containers, or to a QEMU VM
/// started by hand (<see cref="Qemu"/>).
/// </summary>
public sealed record AttachmentSpec(
    ImmutableArray<VdevName> Vdevs,
    VmTarget? Vm,
    ContainerTarget? Container,
    SourceLocation? Location = null)
{
    /// <summary>A QEMU VM that is not a libvirt domain: the engine writes its arguments to an include file.</summary>
    public QemuTarget? Qemu { get; init; }
}

public sealed record VmTarget(string Name, string Uri, bool Live);

public sealed record ContainerTarget(bool Cdi);

/// <summary>
/// A QEMU VM started by hand: <see cref="ArgumentsFile"/> is the include file its start script sources, holding the
/// <c>-device</c> arguments of the attached VDEVs (and the guest vIOMMU ones when <see cref="Iommu"/> is set).
/// </summary>
public sealed record QemuTarget(string Name, string ArgumentsFile, bool Iommu);
