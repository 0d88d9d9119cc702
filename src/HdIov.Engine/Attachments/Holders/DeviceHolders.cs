using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Attachments.Holders;

/// <summary>
/// Every holder observed on a host, and the libvirt connections that could not be read (so a plan can say that their
/// domains were not checked). Part of <see cref="Discovery.HostState"/>.
/// </summary>
public sealed record DeviceHolders(ImmutableArray<HeldDevice> Devices, ImmutableArray<string> Unreadable)
{
    public static DeviceHolders None { get; } = new([], []);

    public IEnumerable<DeviceHolder> Of(Guid uuid) => Devices.Where(d => d.Is(uuid)).Select(d => d.Holder);

    public IEnumerable<DeviceHolder> Of(PciAddress address) => Devices.Where(d => d.Is(address)).Select(d => d.Holder);

    /// <summary>These holders with the domain holders replaced by <paramref name="domains"/> (a fresh read of libvirt).</summary>
    public DeviceHolders WithDomains(IEnumerable<HeldDevice> domains, IEnumerable<string> unreadable) =>
        new([.. Devices.Where(d => d.Holder is not DomainHolder), .. domains], [.. unreadable]);
}
