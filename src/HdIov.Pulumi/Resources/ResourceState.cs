using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>A resource's id, its outputs (inputs plus what the host reports), and the inputs they came from.</summary>
internal sealed record ResourceState(string Id, PropertyMap Outputs, PropertyMap Inputs);
