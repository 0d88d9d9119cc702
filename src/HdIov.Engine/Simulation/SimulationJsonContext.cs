using System.Text.Json.Serialization;

namespace HdIov.Engine.Simulation;

/// <summary>Source-generated JSON for profiles and state, so simulated hosts also work in trimmed and AOT builds.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ProfileData))]
[JsonSerializable(typeof(SimulationState))]
[JsonSerializable(typeof(WriteCounter))]
[JsonSerializable(typeof(MdevState))]
internal sealed partial class SimulationJsonContext : JsonSerializerContext
{
}
