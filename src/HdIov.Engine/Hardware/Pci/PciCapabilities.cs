using System.Collections.Immutable;

namespace HdIov.Engine.Hardware.Pci;

/// <summary>Where a capability sits in config space; <see cref="Extended"/> for the PCIe chain at 0x100.</summary>
public sealed record PciCapabilityEntry(ushort Id, int Offset, bool Extended, int Version);

/// <summary>The PASID extended capability (0x1B).</summary>
public sealed record PasidCapability(int Offset, int MaxPasidWidth, bool ExecutePermission, bool PrivilegedMode, bool Enabled);

/// <summary>The ATS extended capability (0x0F).</summary>
public sealed record AtsCapability(int Offset, int InvalidateQueueDepth, bool Enabled);

/// <summary>The page request interface (0x13).</summary>
public sealed record PriCapability(int Offset, uint OutstandingPageRequestCapacity, bool Enabled);

/// <summary>The SR-IOV extended capability (0x10).</summary>
public sealed record SriovCapability(int Offset, int InitialVfs, int TotalVfs, int NumVfs, int FirstVfOffset, int VfStride, ushort VfDeviceId);

/// <summary>The Intel Scalable IOV DVSEC (DVSEC 0x23, vendor 0x8086, id 0x0005).</summary>
public sealed record SiovDvsec(int Offset, int Revision, int Length, byte FunctionDependencyLink, bool Homogeneous, uint SupportedPageSizes, uint SystemPageSize, bool ImsSupported);

/// <summary>A function's capability chains as parsed from binary config space.</summary>
public sealed record PciCapabilities(
    ImmutableArray<PciCapabilityEntry> Entries,
    PasidCapability? Pasid,
    AtsCapability? Ats,
    PriCapability? Pri,
    SriovCapability? Sriov,
    SiovDvsec? Siov)
{
    public static PciCapabilities None { get; } = new([], null, null, null, null, null);

    /// <summary>What the walk stepped around: chains that loop or leave the blob, capabilities cut off by its end.</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];

    public PciCapabilityEntry? Find(ushort id, bool extended) =>
        Entries.FirstOrDefault(e => e.Id == id && e.Extended == extended);
}
