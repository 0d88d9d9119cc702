using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>
/// One live virtual device as <c>Get-HdIovVirtualDevice</c> shows it: a mediated device (by UUID) or an SR-IOV
/// VF (by PCI address), with its parent, whether the engine owns it, and how it comes back after a reboot.
/// </summary>
public sealed class VirtualDeviceInfo
{
    public const string MdevKind = "mdev";

    public const string VfKind = "vf";

    public const string DeclarativeOrigin = "declarative";

    public const string ImperativeOrigin = "imperative";

    /// <summary><c>mdev</c> or <c>vf</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The UUID of an mdev, the PCI address of a VF: what a VM or container is given.</summary>
    public required string Id { get; init; }

    public required Guid? Uuid { get; init; }

    public required string? PciAddress { get; init; }

    /// <summary>The parent device: a PF's PCI address, or a non-PCI parent's name such as <c>mtty</c>.</summary>
    public required string Parent { get; init; }

    /// <summary>The mdev type id; <c>vf</c> for a VF.</summary>
    public required string Type { get; init; }

    /// <summary>The driver bound to a VF; empty for mdevs, which vfio-mdev always drives.</summary>
    public required string? Driver { get; init; }

    public required int? IommuGroup { get; init; }

    /// <summary>The engine created (or adopted) it: it is in the ownership ledger.</summary>
    public required bool Owned { get; init; }

    /// <summary>The VDEV name from the spec (<c>qat/0/asym/0</c>); empty for VFs and devices the engine does not own.</summary>
    public required string? VdevName { get; init; }

    /// <summary>
    /// How it comes back after a reboot: <c>mdevctl</c> (a definition mdevctl starts), <c>hdiov</c> (the ledger, for
    /// the boot-time converge) or <c>none</c>.
    /// </summary>
    public required string Persistence { get; init; }

    /// <summary>
    /// For an owned mdev, how it came to be: <c>declarative</c> (a spec declares it) or <c>imperative</c>
    /// (New-HdIovVirtualDevice created it; a converge leaves it alone unless the spec takes it over). Empty otherwise.
    /// </summary>
    public string? Origin { get; init; }

    /// <summary>
    /// Who holds it: libvirt domains (with their URI and state), processes (pid and command line), containers (its
    /// CDI device). A plan refuses to remove, reset or rebind a held device unless the spec's onHeld says otherwise.
    /// </summary>
    public string[] Holders { get; init; } = [];

    /// <summary>Every live mdev and VF on the host, ordered by parent, kind, VDEV name and id.</summary>
    public static IEnumerable<VirtualDeviceInfo> AllOf(HostState state) =>
        state.Mdevs
            .Select(m => FromMdev(m, state))
            .Concat(state.Functions.Where(f => f.IsVirtualFunction).Select(f => FromVf(f, state)))
            .OrderBy(d => d.Parent, StringComparer.Ordinal)
            .ThenBy(d => d.Kind, StringComparer.Ordinal)
            .ThenBy(d => d.VdevName is null)
            .ThenBy(d => d.VdevName, StringComparer.Ordinal)
            .ThenBy(d => d.Id, StringComparer.Ordinal);

    public static VirtualDeviceInfo FromMdev(MdevDevice mdev, HostState state)
    {
        var entry = state.Ledger.FindMdev(mdev.Uuid);
        var defined = state.MdevctlDefinitions.Any(d => d.Uuid == mdev.Uuid && d.Parent == mdev.Parent && d.AutoStart);
        return new VirtualDeviceInfo
        {
            Kind = MdevKind,
            Id = mdev.Uuid.ToString("D"),
            Uuid = mdev.Uuid,
            PciAddress = null,
            Parent = mdev.Parent,
            Type = mdev.Type,
            Driver = null,
            IommuGroup = mdev.IommuGroup,
            Owned = entry is not null,
            VdevName = entry?.VdevName,
            Persistence = defined ? "mdevctl" : entry is not null ? "hdiov" : "none",
            Origin = entry is null ? null : OwnershipLedger.IsImperative(entry) ? ImperativeOrigin : DeclarativeOrigin,
            Holders = [.. state.Holders.Of(mdev.Uuid).Select(h => h.Describe())],
        };
    }

    public static VirtualDeviceInfo FromVf(PciFunction vf, HostState state)
    {
        var parent = vf.PhysicalFunction!.Value.ToString();
        var owned = state.Ledger.OwnsVirtualFunctions(parent);
        return new VirtualDeviceInfo
        {
            Kind = VfKind,
            Id = vf.Address.ToString(),
            Uuid = null,
            PciAddress = vf.Address.ToString(),
            Parent = parent,
            Type = VfKind,
            Driver = vf.Driver,
            IommuGroup = vf.IommuGroup,
            Owned = owned,
            VdevName = null,
            Persistence = owned ? "hdiov" : "none",
            Holders = [.. state.Holders.Of(vf.Address).Select(h => h.Describe())],
        };
    }
}
