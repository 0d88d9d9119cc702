using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec;

/// <summary>
/// What loading a spec gave: the model when the document is valid, and every diagnostic in document order.
/// <see cref="Spec"/> is null whenever there is an error.
/// </summary>
public sealed record SpecLoadResult(HostSpec? Spec, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool Succeeded => Spec is not null && !Diagnostics.Any(d => d.IsError);
}
