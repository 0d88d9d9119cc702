namespace HdIov.Engine.Execution;

public sealed record ApplyOptions
{
    public static ApplyOptions Default { get; } = new();

    /// <summary>How long to wait for another apply on the same host to finish.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The VMs that attachment steps change; a plan with such steps fails without it.</summary>
    public Attachments.IVirtualMachines? VirtualMachines { get; init; }

    /// <summary>The BMC that Redfish BIOS steps change; a plan with such steps fails without it.</summary>
    public Platform.Redfish.RedfishConnection? Redfish { get; init; }
}
