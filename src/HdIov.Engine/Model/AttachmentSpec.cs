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

    /// <summary>
    /// The spec's <c>onHeld</c>: what a plan does when another VM, a process or containers hold a VDEV the attachment gives
    /// to its target, or when the plan must re-create one the target VM holds.
    /// </summary>
    public HeldPolicy OnHeld { get; init; } = HeldPolicy.Refuse;
}

public sealed record VmTarget(string Name, string Uri, bool Live)
{
    /// <summary>The spec's <c>guestIommu</c>: whether the engine gives the domain's definition a scalable-mode vIOMMU or only reports it.</summary>
    public GuestIommuPolicy GuestIommu { get; init; } = GuestIommuPolicy.Report;
}

/// <summary>What a converge does about the virtual Intel IOMMU a VM's guest needs for PASID (<c>vm.guestIommu</c>).</summary>
public enum GuestIommuPolicy
{
    /// <summary>Only report what the definition lacks (readiness finding HDIOV4016); the domain is left as it is.</summary>
    Report,

    /// <summary>Add what the definition lacks and libvirt can express to the shut-off domain's definition; give it back on release.</summary>
    Add,
}

public sealed record ContainerTarget(bool Cdi);

/// <summary>
/// A QEMU VM started by hand: <see cref="ArgumentsFile"/> is the include file its start script sources, holding the
/// <c>-device</c> arguments of the attached VDEVs (and the guest vIOMMU ones when <see cref="Iommu"/> is set).
/// </summary>
public sealed record QemuTarget(string Name, string ArgumentsFile, bool Iommu);
