using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Planning;

/// <summary>One BIOS attribute a Redfish step sets: its value at the next boot as observed, the wanted value, and its JSON kind.</summary>
public sealed record RedfishAttributeChange(string Name, string? From, string To, RedfishValueKind Kind);
