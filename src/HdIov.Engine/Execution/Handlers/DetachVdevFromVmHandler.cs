using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Detaches the hostdev from the scopes it is still in, then drops the ledger record. A domain that no longer exists
/// has nothing left to detach, so only the record goes.
/// </summary>
internal static class DetachVdevFromVmHandler
{
    public static void Execute(IHost host, IVirtualMachines machines, DetachVdevFromVm operation)
    {
        var domain = machines.FindDomain(operation.Uri, operation.Domain);
        if (domain is not null)
        {
            var present = DomainChangeScope.None;
            if (operation.Device.IsIn(DomainHostdevs.Parse(domain.ConfigXml)))
            {
                present |= DomainChangeScope.Config;
            }

            if (domain.LiveXml is { } live && operation.Device.IsIn(DomainHostdevs.Parse(live)))
            {
                present |= DomainChangeScope.Live;
            }

            machines.DetachDevice(operation.Uri, operation.Domain, HostdevXml.Render(operation.Device), operation.Scope & present);
        }

        LedgerFile.Remove(host, AttachmentScopes.VmEntry(operation.Uri, operation.Domain, operation.Device, live: false, imperative: false));
    }
}
