using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary>
/// What attachments may refer to in one device entry, recorded even when the entry has other errors so that a
/// reference to it is not reported as unknown. <see cref="Vdevs"/> is null when the entry's vdevs were invalid;
/// <see cref="KnownPfCount"/> is set only when the document alone fixes the number of PFs (addresses, a parent).
/// </summary>
internal sealed record DeclaredDevice(SourceLocation Location, SplitMode? Mode, ImmutableSortedDictionary<string, int>? Vdevs, int? KnownPfCount);
