namespace HdIov.Testing.Redfish;

/// <summary>Which vendor's BIOS attribute names the emulated system adds to the mockup's own attributes.</summary>
public enum BiosVendor
{
    /// <summary>Intel reference BIOS knobs: ProcessorVmxEnable, VTdSupport, InterruptRemap, PcieEnqCmdSupport, ProcessorX2apic (0x0/0x1).</summary>
    IntelReference,

    /// <summary>HPE ProLiant: ProcVirtualization, IntelProcVtd, Sriov, ProcX2Apic (Enabled/Disabled).</summary>
    Hpe,

    /// <summary>Dell PowerEdge: ProcVirtualization, SriovGlobalEnable, ProcX2Apic (Enabled/Disabled).</summary>
    Dell,
}
