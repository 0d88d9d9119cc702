using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;

namespace HdIov.Engine.Attachments.Holders;

/// <summary>Adds the holders of a host's devices to its <see cref="HostState"/>.</summary>
public static class HolderObserver
{
    /// <summary>
    /// The processes, the CDI spec and the QEMU arguments files the ledger records: what the host itself shows
    /// (<see cref="HostObserver"/> calls this).
    /// </summary>
    public static DeviceHolders ObserveHost(IHost host, HostState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(state);
        var processes = ProcessHolderReader.Read(host, state.Functions, state.Mdevs, cancellationToken);
        var containers = CdiSpecDocument.Parse(state.Platform.CdiSpec)
            .Select(d => new HeldDevice(d.Uuid, null, new ContainerHolder(d.Name)));
        var files = state.QemuArgumentsFiles
            .Where(f => state.Ledger.QemuArgumentsFiles.Contains(f.Key, StringComparer.Ordinal))
            .SelectMany(f => QemuArgumentsFile.NamedVdevs(f.Value).Order().Select(uuid => new HeldDevice(uuid, null, new QemuArgumentsFileHolder(f.Key))));
        return new DeviceHolders([.. processes, .. containers, .. files], []);
    }

    /// <summary>The state with its domain holders read from the host's own libvirt and from <paramref name="uris"/>.</summary>
    public static HostState ObserveDomains(HostState state, IVirtualMachines machines, IEnumerable<string> uris)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (held, unreadable) = DomainHolderReader.Read(machines, uris.Prepend(DomainHolderReader.HostUri), state.Ledger);
        var observed = state with { Holders = state.Holders.WithDomains(held, unreadable) };
        return observed with
        {
            Findings = [.. state.Findings.Where(f => f.Code != DiagnosticCodes.ReadinessGuestIommu), .. GuestIommuReadiness.Evaluate(observed)],
        };
    }
}
