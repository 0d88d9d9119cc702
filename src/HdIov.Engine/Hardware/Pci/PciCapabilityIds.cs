namespace HdIov.Engine.Hardware.Pci;

/// <summary>Capability IDs of the standard chain (at 0x34) and the PCIe extended chain (at 0x100), per pci_regs.h.</summary>
public static class PciCapabilityIds
{
    public const ushort PowerManagement = 0x01;
    public const ushort Msi = 0x05;
    public const ushort VendorSpecific = 0x09;
    public const ushort PciExpress = 0x10;
    public const ushort MsiX = 0x11;

    public const ushort ExtendedAer = 0x01;
    public const ushort ExtendedVendorSpecific = 0x0B;
    public const ushort ExtendedAts = 0x0F;
    public const ushort ExtendedSriov = 0x10;
    public const ushort ExtendedPri = 0x13;
    public const ushort ExtendedPasid = 0x1B;
    public const ushort ExtendedDvsec = 0x23;

    /// <summary>The DVSEC vendor and ID of the Intel Scalable IOV DVSEC.</summary>
    public const ushort SiovDvsecVendor = 0x8086;

    public const ushort SiovDvsecId = 0x0005;
}
