namespace HdIov.Testing.Redfish;

/// <summary>
/// The virtualization-related BIOS attributes each emulated vendor exposes, with their values as shipped (everything
/// off, as on a server fresh from the factory) and the values the registry allows.
/// </summary>
public static class VendorAttributeSets
{
    private static readonly string[] IntelSwitch = ["0x0", "0x1"];
    private static readonly string[] Switch = ["Disabled", "Enabled"];

    public static IReadOnlyList<(string Name, string Value, string[] Allowed)> For(BiosVendor vendor) => vendor switch
    {
        BiosVendor.IntelReference =>
        [
            ("ProcessorVmxEnable", "0x0", IntelSwitch),
            ("VTdSupport", "0x0", IntelSwitch),
            ("InterruptRemap", "0x0", IntelSwitch),
            ("PcieEnqCmdSupport", "0x0", IntelSwitch),
            ("ProcessorX2apic", "0x0", IntelSwitch),
        ],
        BiosVendor.Hpe =>
        [
            ("ProcVirtualization", "Disabled", Switch),
            ("IntelProcVtd", "Disabled", Switch),
            ("Sriov", "Disabled", Switch),
            ("ProcX2Apic", "Disabled", Switch),
        ],
        _ =>
        [
            ("ProcVirtualization", "Disabled", Switch),
            ("SriovGlobalEnable", "Disabled", Switch),
            ("ProcX2Apic", "Disabled", Switch),
        ],
    };
}
