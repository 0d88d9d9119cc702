using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>
/// An imperative request to hand devices to one target, or take them back: a VM (<see cref="Vm"/>: domain, URI and
/// whether to hot-plug) or containers through the CDI spec (<see cref="Container"/>). Exactly one target.
/// </summary>
public sealed record AttachmentRequest(ImmutableArray<VmDevice> Devices, VmTarget? Vm, bool Container)
{
    public static AttachmentRequest ToVm(IEnumerable<VmDevice> devices, string name, string uri, bool live) =>
        new([.. devices], new VmTarget(name, uri, live), false);

    public static AttachmentRequest ToContainers(IEnumerable<VmDevice> devices) => new([.. devices], null, true);
}
