namespace HdIov.Engine.Drift;

/// <summary>Why a host differs from its spec, as a person deciding what to do about it needs to know.</summary>
public enum DriftKind
{
    /// <summary>The spec asks for something the engine has not applied yet: a new or changed declaration.</summary>
    Declared,

    /// <summary>The host differs from what the ledger says the engine made, or something the engine did not make is in the way.</summary>
    ChangedOutside,

    /// <summary>The selected hardware is not what it was: a PF is gone or is another device, a type vanished, capacity shrank, the IOMMU lost a feature.</summary>
    HardwareChanged,

    /// <summary>Written and waiting for a reboot to take effect.</summary>
    PendingReboot,

    /// <summary>
    /// Informational, not drift: something the engine made on request (a VDEV from New-HdIovVirtualDevice, an attachment
    /// from Connect-HdIovVirtualDevice) that the spec does not declare and a converge leaves as it is.
    /// </summary>
    Unmanaged,
}
