using System.Collections.Immutable;

namespace HdIov.Engine.Hardware.Acpi;

/// <summary>The ACPI DMAR table (VT-d spec chapter 8) as parsed from <c>/sys/firmware/acpi/tables/DMAR</c>.</summary>
public sealed record DmarTable(
    string OemId,
    string OemTableId,
    int Revision,
    int HostAddressWidth,
    bool InterruptRemapping,
    bool X2ApicOptOut,
    bool DmaControlOptIn,
    ImmutableArray<DmarHardwareUnit> HardwareUnits,
    ImmutableArray<DmarRemappingStructure> OtherStructures);

/// <summary>A DRHD: one remapping unit and the devices it covers.</summary>
public sealed record DmarHardwareUnit(ulong RegisterBase, ushort Segment, bool IncludePciAll, ImmutableArray<DmarDeviceScope> Scopes);

public sealed record DmarDeviceScope(byte Type, byte EnumerationId, byte StartBus, ImmutableArray<(byte Device, byte Function)> Path);

/// <summary>Any other remapping structure (RMRR, ATSR, RHSA, ANDD, SATC, SIDP) by type and length.</summary>
public sealed record DmarRemappingStructure(ushort Type, int Length);
