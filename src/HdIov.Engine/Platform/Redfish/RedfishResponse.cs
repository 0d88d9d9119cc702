using System.Text.Json;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>A Redfish resource as read: its JSON body (an empty object for a body-less answer) and its HTTP ETag.</summary>
public sealed record RedfishResponse(JsonElement Body, string? ETag);
