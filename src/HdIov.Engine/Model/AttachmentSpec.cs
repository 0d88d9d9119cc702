using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Model;

/// <summary>Hands VDEVs (by their spec names, e.g. <c>qat/0/asym/0</c>) to one VM or to containers.</summary>
public sealed record AttachmentSpec(
    ImmutableArray<VdevName> Vdevs,
    VmTarget? Vm,
    ContainerTarget? Container,
    SourceLocation? Location = null);

public sealed record VmTarget(string Name, string Uri, bool Live);

public sealed record ContainerTarget(bool Cdi);
