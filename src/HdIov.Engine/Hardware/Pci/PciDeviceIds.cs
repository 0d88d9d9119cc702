namespace HdIov.Engine.Hardware.Pci;

/// <summary>Vendor and device IDs of the parts the engine knows by name.</summary>
public static class PciDeviceIds
{
    public const ushort IntelVendor = 0x8086;

    public const ushort Qat4xxxPf = 0x4940;
    public const ushort Qat4xxxVf = 0x4941;
    public const ushort Qat401xxPf = 0x4942;
    public const ushort Qat401xxVf = 0x4943;
    public const ushort Qat402xxPf = 0x4944;
    public const ushort Qat402xxVf = 0x4945;
    public const ushort Qat420xxPf = 0x4946;
    public const ushort Qat420xxVf = 0x4947;

    public const ushort Dsa = 0x0b25;
    public const ushort Iaa = 0x0cfe;

    /// <summary>The smallest BAR0 the out-of-tree ice driver accepts for Scalable IOV.</summary>
    public const ulong E810SiovMinimumBar0 = 128UL * 1024 * 1024;

    public static bool IsQatPhysicalFunction(ushort vendor, ushort device) =>
        vendor == IntelVendor && device is Qat4xxxPf or Qat401xxPf or Qat402xxPf or Qat420xxPf;

    public static bool IsQatVirtualFunction(ushort vendor, ushort device) =>
        vendor == IntelVendor && device is Qat4xxxVf or Qat401xxVf or Qat402xxVf or Qat420xxVf;

    /// <summary>E810-C and E810-XXV physical functions (backplane, QSFP, SFP).</summary>
    public static bool IsE810PhysicalFunction(ushort vendor, ushort device) =>
        vendor == IntelVendor && device is 0x1591 or 0x1592 or 0x1593 or 0x1599 or 0x159A or 0x159B;

    public static bool IsIdxd(ushort vendor, ushort device) => vendor == IntelVendor && device is Dsa or Iaa;
}
