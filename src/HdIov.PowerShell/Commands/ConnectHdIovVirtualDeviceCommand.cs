using System.Management.Automation;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Hands virtual devices to a VM (as libvirt hostdevs) or to containers (through CDI).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "HdIovVirtualDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByUuid)]
[OutputType(typeof(ApplyResult))]
public sealed class ConnectHdIovVirtualDeviceCommand : HdIovAttachmentCmdletBase
{
    protected override string Verb => "Connect";

    protected override Plan MakeRequestPlan(HostSession session, HostState state, AttachmentRequest request) =>
        session.PlanConnect(request, state);
}
