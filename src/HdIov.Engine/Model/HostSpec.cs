using System.Collections.Immutable;

namespace HdIov.Engine.Model;

/// <summary>The desired state of one host, as a validated, immutable value. Built only by the spec loader.</summary>
public sealed record HostSpec(
    string Name,
    PlatformSpec Platform,
    ImmutableArray<DeviceSpec> Devices,
    ImmutableArray<AttachmentSpec> Attachments,
    string? SourceFile = null)
{
    public const string ApiVersion = "hdiov.dev/v1alpha1";

    public const string Kind = "HostState";
}
