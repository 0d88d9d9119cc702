using System.Collections.Immutable;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families;

namespace HdIov.Engine.Attachments;

/// <summary>
/// Readiness of the VMs that receive Scalable IOV VDEVs: each domain holding a VDEV whose family's guest driver
/// reaches it by PASID needs a virtual Intel IOMMU in scalable mode (<see cref="GuestIommu"/>). A domain without it
/// still starts and sees the device; only the guest's PASID features fail, so the finding is a warning.
/// </summary>
public static class GuestIommuReadiness
{
    /// <summary>One finding per such domain, from the domain holders read from libvirt.</summary>
    public static ImmutableArray<ReadinessFinding> Evaluate(HostState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var pasidVdevs = state.Mdevs
            .Where(m => DeviceFamilies.OfType(m.Type)?.VdevsUsePasid == true)
            .Select(m => m.Uuid)
            .ToHashSet();
        var findings = ImmutableArray.CreateBuilder<ReadinessFinding>();
        var domains = state.Holders.Devices
            .Where(d => d.Mdev is { } uuid && pasidVdevs.Contains(uuid))
            .Select(d => (Uuid: d.Mdev!.Value, Holder: d.Holder as DomainHolder))
            .Where(d => d.Holder?.Iommu is not null)
            .GroupBy(d => (d.Holder!.Uri, d.Holder.Domain))
            .OrderBy(g => g.Key.Uri, StringComparer.Ordinal).ThenBy(g => g.Key.Domain, StringComparer.Ordinal);
        foreach (var domain in domains)
        {
            var (uri, name) = domain.Key;
            var iommu = domain.First().Holder!.Iommu!;
            var vdevs = string.Join(", ", domain.Select(d => NameOf(state, d.Uuid)).Distinct().Order(StringComparer.Ordinal));
            var subject = $"VM {name}";
            findings.Add(iommu.Complete
                ? new ReadinessFinding(DiagnosticCodes.ReadinessGuestIommu, ReadinessLevel.Ok, subject,
                    $"VM {name} at {uri} receives {vdevs} and gives its guest a virtual Intel IOMMU in scalable mode", string.Empty)
                : new ReadinessFinding(DiagnosticCodes.ReadinessGuestIommu, ReadinessLevel.Warning, subject,
                    $"VM {name} at {uri} receives {vdevs}, whose guest drivers use PASID, but its definition lacks {string.Join("; ", iommu.Missing)}: "
                    + "the guest sees the devices, and PASID features (DSA/IAA shared work queues, QAT SVM) fail",
                    $"add what is missing to the domain (virsh -c {uri} edit {name}) and restart the VM; the guest also needs intel_iommu=on,sm_on"));
        }

        return findings.ToImmutable();
    }

    private static string NameOf(HostState state, Guid uuid) =>
        state.Ledger.Entries.FirstOrDefault(e => e.Uuid == uuid && e.VdevName is not null)?.VdevName ?? uuid.ToString();
}
