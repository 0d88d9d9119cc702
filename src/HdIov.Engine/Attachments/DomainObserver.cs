using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Interop;
using HdIov.Engine.Model;

namespace HdIov.Engine.Attachments;

/// <summary>
/// Reads the domains VM attachments name (in a spec, in a request, or in the ledger) through
/// <see cref="IVirtualMachines"/>. A domain that cannot be read is recorded with the reason, never thrown, so planning
/// can turn it into a located diagnostic.
/// </summary>
public static class DomainObserver
{
    /// <summary>
    /// The state with <see cref="HostState.Domains"/> set for the spec's VM attachments and the ledger's, and the domain
    /// holders of its devices read from the host's own libvirt and those URIs.
    /// </summary>
    public static HostState Observe(HostState state, HostSpec? spec, IVirtualMachines machines, IEnumerable<(string Uri, string Name)>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(machines);
        var targets = Targets(spec, state.Ledger).Concat(extra ?? []).Distinct().ToList();
        return Holders.HolderObserver.ObserveDomains(state with { Domains = Observe(machines, targets) }, machines, targets.Select(t => t.Uri));
    }

    public static ImmutableArray<DomainObservation> Observe(IVirtualMachines machines, IEnumerable<(string Uri, string Name)> targets)
    {
        ArgumentNullException.ThrowIfNull(machines);
        ArgumentNullException.ThrowIfNull(targets);
        var observations = ImmutableArray.CreateBuilder<DomainObservation>();
        foreach (var (uri, name) in targets.Distinct().OrderBy(t => t.Uri, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            observations.Add(ObserveOne(machines, uri, name));
        }

        return observations.ToImmutable();
    }

    /// <summary>Every (URI, domain) the spec's VM attachments and the ledger's VM attachment and guest vIOMMU entries name.</summary>
    public static IEnumerable<(string Uri, string Name)> Targets(HostSpec? spec, OwnershipLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var declared = spec?.Attachments.Where(a => a.Vm is not null).Select(a => (a.Vm!.Uri, a.Vm.Name)) ?? [];
        var recorded = ledger.Attachments
            .Where(e => e.Kind == LedgerEntryKind.VmAttachment && e.Attachment is { Uri: not null, Domain: not null })
            .Select(e => (e.Attachment!.Uri!, e.Attachment.Domain!));
        var guestIommus = ledger.GuestIommus.Select(e => (e.Attachment!.Uri!, e.Attachment.Domain!));
        return declared.Concat(recorded).Concat(guestIommus).Distinct();
    }

    private static DomainObservation ObserveOne(IVirtualMachines machines, string uri, string name)
    {
        try
        {
            var snapshot = machines.FindDomain(uri, name);
            if (snapshot is null)
            {
                return new DomainObservation(uri, name, DomainStatus.Missing, false, DomainHostdevs.Empty, DomainHostdevs.Empty,
                    $"libvirt at {uri} has no domain '{name}'",
                    $"define the domain (virsh -c {uri} define <file>), or correct vm.name / vm.uri");
            }

            return new DomainObservation(
                uri,
                name,
                DomainStatus.Found,
                snapshot.Active,
                DomainHostdevs.Parse(snapshot.ConfigXml),
                snapshot.LiveXml is { } live ? DomainHostdevs.Parse(live) : DomainHostdevs.Empty)
            {
                GuestIommu = GuestIommuDefinition.Inspect(snapshot.ConfigXml),
            };
        }
        catch (HdIovException failure) when (failure is not LibvirtException && failure.Diagnostics is [{ Code: DiagnosticCodes.LibvirtUnavailable } notMapped])
        {
            return new DomainObservation(uri, name, DomainStatus.NotMapped, false, DomainHostdevs.Empty, DomainHostdevs.Empty, notMapped.Message, notMapped.Hint);
        }
        catch (HdIovException failure)
        {
            var diagnostic = failure.Diagnostics.Count > 0 ? failure.Diagnostics[0] : null;
            return new DomainObservation(uri, name, DomainStatus.Unreachable, false, DomainHostdevs.Empty, DomainHostdevs.Empty,
                diagnostic?.Message ?? failure.Message,
                diagnostic?.Hint ?? $"check that libvirt at {uri} answers (virsh -c {uri} list --all)");
        }
        catch (FormatException unreadable)
        {
            return new DomainObservation(uri, name, DomainStatus.Unreachable, false, DomainHostdevs.Empty, DomainHostdevs.Empty,
                $"the XML libvirt at {uri} gave for '{name}' cannot be read: {unreadable.Message}",
                $"check the domain with virsh -c {uri} dumpxml {name}");
        }
    }
}
