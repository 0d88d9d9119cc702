namespace HdIov.Engine.Simulation;

// The JSON shape of a profile (Profiles/*.json). Numbers that the kernel prints in hex are written as
// "0x..." strings so the files read like the sysfs values they produce.

internal sealed record ProfileData(
    string Name,
    string Description,
    string KernelRelease,
    GrubData Grub,
    CpuData Cpu,
    int NumaNodes,
    long MemoryPerNodeKiB,
    IommuData Iommu,
    IReadOnlyList<string> PciDrivers,
    string MdevDriver,
    IReadOnlyDictionary<string, DeviceTemplateData> Templates,
    IReadOnlyList<FunctionData> Functions,
    IReadOnlyList<VirtualParentData>? VirtualParents);

internal sealed record GrubData(string Root, string CmdlineLinux, string CmdlineLinuxDefault);

internal sealed record CpuData(
    string Vendor,
    int Family,
    string Model,
    int Stepping,
    string Brand,
    int Sockets,
    int CoresPerSocket,
    int ThreadsPerCore,
    string Mhz,
    IReadOnlyList<string> CpuidFeatures,
    string CpuinfoFlags);

internal sealed record IommuData(
    string Version,
    int HostAddressWidth,
    string OemId,
    string OemTableId,
    IReadOnlyList<IommuUnitData> Units,
    IReadOnlyList<RmrrData>? Rmrrs,
    bool AtsrAllPorts);

internal sealed record IommuUnitData(string Address, string Cap, string Ecap, int ProximityDomain, bool IncludePciAll, IReadOnlyList<string>? Buses);

internal sealed record RmrrData(string Base, string End, string Device);

internal sealed record DeviceTemplateData(
    string Vendor,
    string Device,
    string Class,
    string Revision,
    string SubsystemVendor,
    string SubsystemDevice,
    string? Driver,
    string PortType,
    IReadOnlyList<BarData> Bars,
    IReadOnlyList<CapabilityData> Capabilities,
    IReadOnlyList<CapabilityData> ExtendedCapabilities,
    SriovData? Sriov,
    MdevParentData? Mdev);

internal sealed record BarData(int Index, string Size, bool Is64Bit, bool Prefetchable);

/// <summary>One PCI capability; which fields apply depends on <see cref="Id"/>.</summary>
internal sealed record CapabilityData(
    string Id,
    string? Offset,
    int Width = 0,
    bool Privileged = false,
    bool Execute = false,
    int Count = 0,
    int Bar = 0,
    string? TableOffset = null,
    string? PbaOffset = null,
    int NextFunction = 0,
    int QueueDepth = 0,
    int OutstandingRequests = 0,
    bool EetlpPrefix = false,
    int LinkSpeed = 0,
    int LinkWidth = 0);

internal sealed record SriovData(int TotalVfs, int Offset, int Stride, string VfTemplate, IReadOnlyList<BarData>? VfBars);

internal sealed record MdevParentData(
    string Model,
    bool RequiresScalableIommu,
    string? MinBar0Size,
    string? BudgetGroup,
    int Budget,
    int Banks,
    string ExhaustedErrno,
    string? AvailableText,
    IReadOnlyList<MdevTypeData>? Types);

internal sealed record MdevTypeData(string Name, string DisplayName, string DeviceApi, int Cost);

internal sealed record FunctionData(string Address, string Template, int NumaNode, int? SriovOffset);

internal sealed record VirtualParentData(string Name, string Path, string Driver, MdevParentData Mdev);
