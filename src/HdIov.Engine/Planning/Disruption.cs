namespace HdIov.Engine.Planning;

/// <summary>What a step interrupts, in increasing order of cost.</summary>
public enum Disruption
{
    None,

    /// <summary>A device is reset or re-registered: VDEVs or VFs on it are destroyed and users of them lose them.</summary>
    DeviceReset,

    /// <summary>A VM must restart to see the change.</summary>
    VmRestart,

    /// <summary>Takes effect only after the host reboots; apply stops at this barrier.</summary>
    HostReboot,
}
