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
    IReadOnlyList<VirtualParentData>? VirtualParents = null,
    FirmwareData? Firmware = null,
    BootLoaderData? BootLoader = null,
    OsData? Os = null,
    IReadOnlyList<VirtualMachineData>? VirtualMachines = null);

/// <summary>
/// A VM the host's libvirt has defined (shut off) when it first starts: a minimal QEMU domain (<c>machine</c> is the
/// QEMU machine type, <c>q35</c> or <c>pc</c>), named as the examples' attachments name it.
/// </summary>
internal sealed record VirtualMachineData(string Name, int MemoryMiB, int Vcpus, string Machine);

/// <summary>
/// The installed command line: <c>root=</c> and the arguments of every entry (GRUB_CMDLINE_LINUX; on BLS hosts the
/// entries' options and /etc/kernel/cmdline start from the same values) and those of normal entries only.
/// </summary>
internal sealed record GrubData(string Root, string CmdlineLinux, string CmdlineLinuxDefault);

/// <summary>How the host boots; absent means Debian's GRUB. <c>machineId</c> names the BLS entries (/etc/machine-id).</summary>
internal sealed record BootLoaderData(Platform.BootLoaders.BootLoaderKind Kind, string MachineId);

/// <summary>The distribution, written to /etc/os-release (boot entry titles come from it).</summary>
internal sealed record OsData(string Id, string Name, string VersionId, string PrettyName);

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
    IReadOnlyList<RmrrData>? Rmrrs = null,
    bool AtsrAllPorts = false);

internal sealed record IommuUnitData(string Address, string Cap, string Ecap, int ProximityDomain, bool IncludePciAll, IReadOnlyList<string>? Buses = null);

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
    SriovData? Sriov = null,
    MdevParentData? Mdev = null);

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

internal sealed record SriovData(int TotalVfs, int Offset, int Stride, string VfTemplate, IReadOnlyList<BarData>? VfBars = null);

internal sealed record MdevParentData(
    string Model,
    string ExhaustedErrno,
    bool RequiresScalableIommu = false,
    string? MinBar0Size = null,
    string? BudgetGroup = null,
    int Budget = 0,
    int Banks = 0,
    string? AvailableText = null,
    IReadOnlyList<MdevTypeData>? Types = null);

/// <summary>An mdev type of a pooled parent: it costs <paramref name="Cost"/> of the shared budget, or, with a
/// <paramref name="Capacity"/>, has that many instances of its own (an idxd work queue kind).</summary>
internal sealed record MdevTypeData(string Name, string DisplayName, string DeviceApi, int Cost, int? Capacity = null);

internal sealed record FunctionData(string Address, string Template, int NumaNode, int? SriovOffset = null);

internal sealed record VirtualParentData(string Name, string Path, string Driver, MdevParentData Mdev);

/// <summary>BIOS settings exposed through the firmware-attributes class; a changed value takes effect at the next reboot.</summary>
internal sealed record FirmwareData(string Driver, IReadOnlyList<FirmwareAttributeData> Attributes);

internal sealed record FirmwareAttributeData(
    string Name,
    string DisplayName,
    IReadOnlyList<string> PossibleValues,
    string Default,
    string Current,
    IReadOnlyList<FirmwareEffectData>? Effects = null);

/// <summary>
/// What a BIOS value does at boot: bits it sets or clears in the VT-d units' ECAP, or (<paramref name="DmarAbsent"/>,
/// VT-d disabled) no ACPI DMAR table at all, so the kernel finds no VT-d unit and puts no device in an IOMMU group.
/// </summary>
internal sealed record FirmwareEffectData(string Value, string? EcapSet = null, string? EcapClear = null, bool DmarAbsent = false);
