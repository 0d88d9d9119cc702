using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Attachments.Holders;

/// <summary>
/// The libvirt domains that hold devices, running or only defined, on every connection given: the host's own libvirt
/// (<see cref="HostUri"/>) and the URIs specs and the ledger name. A connection that cannot be read is reported in
/// <see cref="DeviceHolders.Unreadable"/>; libvirt not installed, a simulated host that maps no libvirt for the URI, or
/// a simulated host's own libvirtd that has never started (<see cref="IVirtualMachines.IsDormant"/>), means no domains
/// there, and such a libvirtd is not started to find none.
/// </summary>
public static class DomainHolderReader
{
    /// <summary>The system libvirt of a host; a simulated host's map says which libvirt stands for it.</summary>
    public const string HostUri = "qemu:///system";

    public static (ImmutableArray<HeldDevice> Held, ImmutableArray<string> Unreadable) Read(IVirtualMachines machines, IEnumerable<string> uris, OwnershipLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(machines);
        ArgumentNullException.ThrowIfNull(uris);
        ArgumentNullException.ThrowIfNull(ledger);
        var held = ImmutableArray.CreateBuilder<HeldDevice>();
        var unreadable = ImmutableArray.CreateBuilder<string>();
        var recorded = ledger.Attachments.Where(e => e.Kind == LedgerEntryKind.VmAttachment && e.Attachment is not null).ToList();
        foreach (var uri in uris.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Where(u => !machines.IsDormant(u)))
        {
            IReadOnlyList<string> names;
            try
            {
                names = machines.ListDomains(uri);
            }
            catch (HdIovException failure) when (IsAbsent(failure))
            {
                continue;
            }
            catch (HdIovException failure)
            {
                unreadable.Add($"{uri}: {(failure.Diagnostics.Count > 0 ? failure.Diagnostics[0].Message : failure.Message)}");
                continue;
            }

            foreach (var name in names)
            {
                DomainSnapshot? snapshot;
                DomainHostdevs config;
                DomainHostdevs live;
                GuestIommu iommu;
                try
                {
                    snapshot = machines.FindDomain(uri, name);
                    if (snapshot is null)
                    {
                        continue;
                    }

                    config = DomainHostdevs.Parse(snapshot.ConfigXml);
                    live = snapshot.LiveXml is { } xml ? DomainHostdevs.Parse(xml) : DomainHostdevs.Empty;
                    iommu = GuestIommu.Parse(snapshot.ConfigXml);
                }
                catch (Exception failure) when (failure is HdIovException or FormatException)
                {
                    unreadable.Add($"{uri} domain {name}: {failure.Message}");
                    continue;
                }

                foreach (var uuid in config.Mdevs.Union(live.Mdevs).Order())
                {
                    var ours = recorded.Any(e => e.Uuid == uuid && e.Attachment!.Uri == uri && e.Attachment.Domain == name);
                    held.Add(new HeldDevice(uuid, null, new DomainHolder(uri, name, snapshot.Active, config.Mdevs.Contains(uuid), live.Mdevs.Contains(uuid), ours, iommu)));
                }

                foreach (var address in config.PciFunctions.Union(live.PciFunctions).Order())
                {
                    var text = address.ToString();
                    var ours = recorded.Any(e => e.Attachment!.PciAddress == text && e.Attachment.Uri == uri && e.Attachment.Domain == name);
                    held.Add(new HeldDevice(null, address, new DomainHolder(uri, name, snapshot.Active, config.PciFunctions.Contains(address), live.PciFunctions.Contains(address), ours, iommu)));
                }
            }
        }

        return (held.ToImmutable(), unreadable.ToImmutable());
    }

    /// <summary>
    /// No libvirt to ask: a simulated host maps none for the URI (HDIOV2020), or <c>libvirt.so.0</c> is not installed (the
    /// only HDIOV3008 that is not a <see cref="LibvirtException"/>, which libvirt itself raises).
    /// </summary>
    private static bool IsAbsent(HdIovException failure) =>
        failure is not LibvirtException
        && failure.Diagnostics is [{ Code: DiagnosticCodes.LibvirtUnavailable or DiagnosticCodes.LibvirtFailed }];
}
