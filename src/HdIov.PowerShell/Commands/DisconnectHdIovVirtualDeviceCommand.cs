using System.Management.Automation;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Takes virtual devices back from a VM (its libvirt hostdevs) or from containers (the CDI spec).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "HdIovVirtualDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByUuid)]
[OutputType(typeof(ApplyResult))]
public sealed class DisconnectHdIovVirtualDeviceCommand : HdIovAttachmentCmdletBase
{
    protected override string Verb => "Disconnect";

    protected override Plan MakeRequestPlan(HostSession session, HostState state, AttachmentRequest request) =>
        session.PlanDisconnect(request, state);
}
