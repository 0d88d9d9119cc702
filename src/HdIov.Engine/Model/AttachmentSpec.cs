using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Model;

/// <summary>Hands VDEVs (by their spec names, e.g. <c>qat/0/asym/0</c>) to one VM or to containers.</summary>
public sealed record AttachmentSpec(
    ImmutableArray<VdevName> Vdevs,
    VmTarget? Vm,
    ContainerTarget? Container,
    SourceLocation? Location = null);

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
