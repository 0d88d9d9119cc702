using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Changes a shut-off domain's persistent definition for its guest vIOMMU: reads it inactive (with its secrets, as
/// <c>virsh edit</c> does), adds what is still missing or takes out what the engine added, and redefines it. The
/// ledger records the parts before the domain is redefined, and gets its previous record back when libvirt refuses.
/// A running domain is never redefined: the plan was made while it was shut off, so that is a stale plan.
/// </summary>
internal static class GuestIommuHandler
{
    public static void Execute(IHost host, IVirtualMachines machines, AddGuestIommu operation)
    {
        var xml = ShutOffDefinition(machines, operation.Uri, operation.Domain)
            ?? throw AttachVdevToVmHandler.Changed(operation.Domain, operation.Uri, "no longer exists");
        var (edited, added) = GuestIommuDefinition.Add(xml);
        if (GuestIommuDefinition.Inspect(xml) is { Refusal: { } refusal, Fix: var fix })
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.GuestIommuRefused, DiagnosticSeverity.Error,
                $"VM '{operation.Domain}' at {operation.Uri} changed after the plan was made and cannot get a scalable-mode vIOMMU: {refusal}", fix ?? string.Empty));
        }

        var previous = Recorded(host, operation.Uri, operation.Domain);
        var parts = (previous?.GuestIommu?.Added ?? []).Concat(added).Distinct().ToList();
        var entry = GuestIommuPlanner.Entry(operation.Uri, operation.Domain, parts, operation.Vdevs, host.Now);
        LedgerFile.Add(host, entry);
        if (added.IsEmpty)
        {
            return;
        }

        try
        {
            machines.Define(operation.Uri, edited);
        }
        catch (HdIovException)
        {
            Restore(host, entry, previous);
            throw;
        }
    }

    public static void Execute(IHost host, IVirtualMachines machines, RemoveGuestIommu operation)
    {
        var xml = ShutOffDefinition(machines, operation.Uri, operation.Domain);
        if (xml is not null)
        {
            var (edited, removed) = GuestIommuDefinition.Remove(xml, operation.Parts);
            if (!removed.IsEmpty)
            {
                machines.Define(operation.Uri, edited);
            }
        }

        LedgerFile.Remove(host, GuestIommuPlanner.Entry(operation.Uri, operation.Domain, [], []));
    }

    public static void Execute(IHost host, RecordGuestIommu operation) =>
        LedgerFile.Add(host, operation.Entry with { Recorded = host.Now });

    /// <summary>The domain's definition to edit; null when it no longer exists; a stale-plan error when it was started.</summary>
    private static string? ShutOffDefinition(IVirtualMachines machines, string uri, string name)
    {
        var domain = machines.FindDomain(uri, name);
        if (domain is null)
        {
            return null;
        }

        return domain.Active
            ? throw AttachVdevToVmHandler.Changed(name, uri, "was started")
            : machines.ReadDefinition(uri, name);
    }

    private static LedgerEntry? Recorded(IHost host, string uri, string domain) =>
        LedgerFile.Read(host).GuestIommus.LastOrDefault(e => e.Attachment!.Uri == uri && e.Attachment.Domain == domain);

    private static void Restore(IHost host, LedgerEntry entry, LedgerEntry? previous)
    {
        if (previous is null)
        {
            LedgerFile.Remove(host, entry);
        }
        else
        {
            LedgerFile.Add(host, previous);
        }
    }
}
