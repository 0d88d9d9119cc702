using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Model;

/// <summary>How a physical function is split.</summary>
public enum SplitMode
{
    /// <summary>No split: the engine removes what it owns on the PF and leaves the rest.</summary>
    None,

    /// <summary>Scalable IOV: virtual devices as mediated devices (mdevs) on the PF.</summary>
    Siov,

    /// <summary>SR-IOV virtual functions.</summary>
    Sriov,
}

/// <summary>What the engine may do with devices it did not create.</summary>
public enum OwnershipPolicy
{
    /// <summary>Leave them alone and count them against capacity (the default).</summary>
    Keep,

    /// <summary>Take over matching devices (same parent and type) as if the engine had created them.</summary>
    Adopt,

    /// <summary>Remove devices on the selected PFs that the spec does not declare.</summary>
    Prune,
}

/// <summary>
/// What a plan does with a device that a VM, a process or containers hold when it must remove, reset, re-create or
/// rebind it (a device entry's <c>onHeld</c>), or give it to another target (an attachment's <c>onHeld</c>).
/// </summary>
public enum HeldPolicy
{
    /// <summary>Refuse the plan, naming each holder (the default).</summary>
    Refuse,

    /// <summary>
    /// Detach the device from the libvirt domains that hold it first (from a shut-off domain's definition, hot-unplug from
    /// a running one) and re-attach it after it is re-created. A process still refuses the plan.
    /// </summary>
    Detach,
}

/// <summary>
/// One entry of <c>spec.devices</c>: which PFs, how to split them, and how many virtual devices of each type
/// to keep on every selected PF. <see cref="Vdevs"/> keys are a device family's VDEV keys or the parent's mdev type ids (<c>mtty-1</c>).
/// </summary>
public sealed record DeviceSpec(
    string Name,
    DeviceSelector Select,
    SplitMode Mode,
    ImmutableArray<string> Services,
    ImmutableSortedDictionary<string, int> Vdevs,
    VfSpec? Vfs,
    OwnershipPolicy Ownership,
    SourceLocation? Location = null)
{
    /// <summary>The spec's <c>onHeld</c>.</summary>
    public HeldPolicy OnHeld { get; init; } = HeldPolicy.Refuse;
}

/// <summary>
/// Exactly one way of choosing PFs. A mdev parent that is not a PCI function (e.g. <c>mtty</c>) is chosen by <see cref="Parent"/>.
/// Addresses come either as one <see cref="PciAddress"/> or as a list in <see cref="PciAddresses"/> (the spec's
/// <c>pciAddress: [..]</c> form); <see cref="SelectedAddresses"/> gives both forms as one list.
/// </summary>
public sealed record DeviceSelector(
    string? Driver = null,
    Hardware.Pci.PciAddress? PciAddress = null,
    string? Vendor = null,
    string? Device = null,
    string? Parent = null,
    ImmutableArray<Hardware.Pci.PciAddress> PciAddresses = default)
{
    /// <summary>The PCI addresses this selector names explicitly, in the order written; empty for the other selectors.</summary>
    public ImmutableArray<Hardware.Pci.PciAddress> SelectedAddresses =>
        PciAddress is { } address ? [address]
        : PciAddresses.IsDefault ? []
        : PciAddresses;

    public override string ToString() =>
        PciAddress is { } address ? $"pciAddress {address}"
        : !PciAddresses.IsDefaultOrEmpty ? $"pciAddress [{string.Join(", ", PciAddresses)}]"
        : Parent is not null ? $"parent {Parent}"
        : Driver is not null ? $"driver {Driver}"
        : $"vendor {Vendor} device {Device}";
}

public sealed record VfSpec(int Count, string? Driver);
