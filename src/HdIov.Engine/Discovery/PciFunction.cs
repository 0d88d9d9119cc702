using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Discovery;

/// <summary>A PCI function: identity from config space, the kernel's view (driver, group, node), and its capabilities.</summary>
public sealed record PciFunction(
    PciAddress Address,
    ushort VendorId,
    ushort DeviceId,
    uint ClassCode,
    byte Revision,
    ushort SubsystemVendorId,
    ushort SubsystemId,
    string? Driver,
    string? DriverOverride,
    int? IommuGroup,
    int NumaNode,
    PciCapabilities Capabilities,
    SriovState? Sriov,
    PciAddress? PhysicalFunction,
    ImmutableArray<ulong> BarSizes)
{
    public bool IsVirtualFunction => PhysicalFunction is not null;
}

/// <summary>The kernel's SR-IOV attributes of a PF.</summary>
public sealed record SriovState(
    int TotalVfs,
    int NumVfs,
    ushort VfDeviceId,
    bool DriversAutoprobe,
    ImmutableArray<PciAddress> VirtualFunctions);
