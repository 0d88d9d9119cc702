using System.Collections.Immutable;
using HdIov.Engine.Hardware.Acpi;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>
/// One immutable snapshot of everything the engine knows about a host. Built by the host observer;
/// the planner reads nothing else.
/// </summary>
public sealed record HostState(
    KernelRelease Kernel,
    CpuInfo Cpu,
    KernelCommandLine CommandLine,
    ImmutableArray<IommuUnit> IommuUnits,
    DmarTable? Dmar,
    ImmutableArray<PciFunction> Functions,
    ImmutableArray<MdevParent> MdevParents,
    ImmutableArray<MdevDevice> Mdevs,
    FamilyConfigurations Configurations,
    ImmutableArray<MdevctlDefinition> MdevctlDefinitions,
    OwnershipLedger Ledger,
    ImmutableArray<ReadinessFinding> Findings)
{
    public PciFunction? FindFunction(PciAddress address) => Functions.FirstOrDefault(f => f.Address == address);

    public MdevParent? FindParent(string name) => MdevParents.FirstOrDefault(p => p.Name == name);

    /// <summary>The kernel build defaults for the IOMMU (<c>/boot/config-&lt;release&gt;</c>), used when the command line is silent.</summary>
    public KernelBuildOptions KernelOptions { get; init; } = KernelBuildOptions.Unknown;

    public PlatformState Platform { get; init; } = PlatformState.Empty;

    /// <summary>
    /// The libvirt domains that attachments and the ledger name, when they were observed
    /// (<see cref="Attachments.DomainObserver"/>); empty when VMs were not consulted.
    /// </summary>
    public ImmutableArray<Attachments.DomainObservation> Domains { get; init; } = [];

    /// <summary>
    /// Who holds the host's VDEVs and VFs: processes and the CDI spec (always read), libvirt domains (read with the
    /// domains, <see cref="Attachments.DomainObserver"/>).
    /// </summary>
    public Attachments.Holders.DeviceHolders Holders { get; init; } = Attachments.Holders.DeviceHolders.None;

    /// <summary>
    /// The QEMU arguments files (<c>qemu:</c> attachments) by path, with their text, or null for a file that does not
    /// exist: those the ledger records (always read) and those a spec names (read when the host is observed for it).
    /// </summary>
    public ImmutableSortedDictionary<string, string?> QemuArgumentsFiles { get; init; } = ImmutableSortedDictionary<string, string?>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>What the observation read: the whole host, or the parents a scoped plan needs (<see cref="ObservationScope"/>).</summary>
    public ObservationScope Scope { get; init; } = ObservationScope.WholeHost;

    /// <summary>
    /// A stable digest of the parts of the state a plan depends on, over what <see cref="Scope"/> covers; a plan made on
    /// another fingerprint is stale. Computed once per state.
    /// </summary>
    public string Fingerprint => StateFingerprint.Of(this);
}
