using System.Management.Automation;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Takes virtual devices back from a VM (its libvirt hostdevs) or from containers (the CDI spec).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "HdIovVirtualDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByUuid)]
[OutputType(typeof(ApplyResult))]
public sealed class DisconnectHdIovVirtualDeviceCommand : HdIovAttachmentCmdletBase
{
    protected override string Verb => "Disconnect";

    protected override Plan MakeRequestPlan(string hostName, HostState state, AttachmentRequest request) =>
        AttachmentRequestPlanner.Disconnect(hostName, state, request);
}
