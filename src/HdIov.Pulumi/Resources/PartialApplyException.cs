using HdIov.Engine.Execution;

namespace HdIov.Pulumi.Resources;

/// <summary>An apply stopped part-way; <see cref="State"/> is what the host has now, so the engine keeps it.</summary>
internal sealed class PartialApplyException(ResourceState state, ApplyFailedException failure)
    : Exception(failure.Message, failure)
{
    public ResourceState State { get; } = state;

    public ApplyFailedException Failure { get; } = failure;
}
