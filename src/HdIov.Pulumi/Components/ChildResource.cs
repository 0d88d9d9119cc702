using System.Collections.Immutable;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Components;

/// <summary>One child a component registers: its type token, resource name, inputs, and the names of the siblings it needs first.</summary>
internal sealed record ChildResource(string Type, string Name, PropertyMap Inputs, ImmutableArray<string> DependsOn);
