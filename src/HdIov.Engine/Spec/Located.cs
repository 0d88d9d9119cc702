using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Spec;

/// <summary>A value read from a spec document with where it was written and the key path that leads to it.</summary>
internal sealed record Located<T>(T Value, SourceLocation Location, string Path);
