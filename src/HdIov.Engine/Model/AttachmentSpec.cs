using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Model;

/// <summary>Hands VDEVs (by their spec names, e.g. <c>qat/0/asym/0</c>) to one VM or to containers.</summary>
public sealed record AttachmentSpec(
    ImmutableArray<VdevName> Vdevs,
    VmTarget? Vm,
    ContainerTarget? Container,
    SourceLocation? Location = null)
{
    /// <summary>
    /// The spec's <c>onHeld</c>: what a plan does when another VM, a process or containers hold a VDEV the attachment gives
    /// to its target, or when the plan must re-create one the target VM holds.
    /// </summary>
    public HeldPolicy OnHeld { get; init; } = HeldPolicy.Refuse;
}

public sealed record VmTarget(string Name, string Uri, bool Live);

public sealed record ContainerTarget(bool Cdi);
