using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Spec.Yaml;

/// <summary>
/// A node of a parsed spec document with the position it starts at. The loader builds its own small tree from
/// YamlDotNet's parser events (instead of the representation model) so duplicate keys, anchors and tags become
/// located diagnostics rather than exceptions, and every value keeps its line and column.
/// </summary>
internal abstract record SpecNode(SourceLocation Location)
{
    /// <summary>What the node is, as a user reads it in a message ("a mapping", "a list", "the text 'x'").</summary>
    public abstract string Describe();
}

/// <summary>A scalar; <see cref="IsPlain"/> is false for quoted and block scalars, which are always text.</summary>
internal sealed record SpecScalar(SourceLocation Location, string Value, bool IsPlain) : SpecNode(Location)
{
    public ScalarKind Kind => IsPlain ? ScalarResolver.Resolve(Value) : ScalarKind.String;

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "an empty value",
        ScalarKind.Boolean => $"the boolean {Value}",
        ScalarKind.Integer => $"the number {Value}",
        ScalarKind.Float => $"the number {SpecText.Show(Value)}",
        _ => $"the text '{SpecText.Show(Value)}'",
    };
}

internal sealed record SpecSequence(SourceLocation Location, ImmutableArray<SpecNode> Items) : SpecNode(Location)
{
    public override string Describe() => "a list";
}

internal sealed record SpecMappingEntry(SpecNode Key, SpecNode Value);

internal sealed record SpecMapping(SourceLocation Location, ImmutableArray<SpecMappingEntry> Entries) : SpecNode(Location)
{
    public override string Describe() => "a mapping";
}

/// <summary>A node the tree reader already reported (an alias); readers skip it without a second diagnostic.</summary>
internal sealed record SpecRejected(SourceLocation Location) : SpecNode(Location)
{
    public override string Describe() => "an alias";
}
