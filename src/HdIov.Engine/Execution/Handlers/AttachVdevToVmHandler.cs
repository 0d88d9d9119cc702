using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Records the attachment before touching the domain (a crash in between leaves a record the next plan completes),
/// then attaches the hostdev in the scopes where the domain does not have it yet, so repeating the step is harmless.
/// </summary>
internal static class AttachVdevToVmHandler
{
    public static void Execute(IHost host, IVirtualMachines machines, AttachVdevToVm operation)
    {
        LedgerFile.Add(host, AttachmentScopes.VmEntry(operation.Uri, operation.Domain, operation.Device, operation.Live, operation.Imperative, host.Now));

        var domain = machines.FindDomain(operation.Uri, operation.Domain) ?? throw Changed(operation.Domain, operation.Uri, "no longer exists");
        if (operation.Scope.HasFlag(DomainChangeScope.Live) && !domain.Active)
        {
            throw Changed(operation.Domain, operation.Uri, "was stopped");
        }

        var missing = operation.Scope;
        if (operation.Device.IsIn(DomainHostdevs.Parse(domain.ConfigXml)))
        {
            missing &= ~DomainChangeScope.Config;
        }

        if (domain.LiveXml is { } live && operation.Device.IsIn(DomainHostdevs.Parse(live)))
        {
            missing &= ~DomainChangeScope.Live;
        }

        machines.AttachDevice(operation.Uri, operation.Domain, HostdevXml.Render(operation.Device), missing);
    }

    internal static HdIovException Changed(string domain, string uri, string what) => new(new Diagnostic(
        DiagnosticCodes.StalePlan,
        DiagnosticSeverity.Error,
        $"domain '{domain}' on {uri} {what} after the plan was made",
        "plan again; the new plan starts from the domain as it is now"));
}
