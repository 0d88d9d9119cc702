using System.Collections.Immutable;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>An attribute registry entry: its type, allowed values (enumerations) and whether it can be written.</summary>
public sealed record RedfishRegistryAttribute(string Name, string? Type, ImmutableArray<string> Values, bool ReadOnly);
