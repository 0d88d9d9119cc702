using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Attachments.Holders;

/// <summary>One holder of one device: a VDEV by <see cref="Mdev"/> UUID or a PCI function (a VF) by <see cref="Function"/>.</summary>
public sealed record HeldDevice(Guid? Mdev, PciAddress? Function, DeviceHolder Holder)
{
    public bool Is(Guid uuid) => Mdev == uuid;

    public bool Is(PciAddress address) => Function == address;
}
