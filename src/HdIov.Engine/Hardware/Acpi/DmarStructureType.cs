namespace HdIov.Engine.Hardware.Acpi;

/// <summary>Remapping structure types of the DMAR table (VT-d spec chapter 8, ACPICA actbl1.h).</summary>
public static class DmarStructureType
{
    public const ushort HardwareUnit = 0;
    public const ushort ReservedMemory = 1;
    public const ushort RootPortAts = 2;
    public const ushort HardwareStaticAffinity = 3;
    public const ushort NamespaceDevice = 4;
    public const ushort SocIntegratedAtc = 5;
    public const ushort SocIntegratedDeviceProperty = 6;

    public static string Name(ushort type) => type switch
    {
        HardwareUnit => "DRHD",
        ReservedMemory => "RMRR",
        RootPortAts => "ATSR",
        HardwareStaticAffinity => "RHSA",
        NamespaceDevice => "ANDD",
        SocIntegratedAtc => "SATC",
        SocIntegratedDeviceProperty => "SIDP",
        _ => "unknown",
    };
}
