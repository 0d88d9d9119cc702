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

/// <summary>
/// Any other remapping structure (RMRR, ATSR, RHSA, ANDD, SATC, SIDP) by type and length, with the fields its type
/// carries: segment and scopes (RMRR, ATSR, SATC, SIDP), flags (ATSR, SATC), base and end (RMRR), the register base
/// and proximity domain (RHSA), the device number and ACPI name (ANDD).
/// </summary>
public sealed record DmarRemappingStructure(ushort Type, int Length)
{
    public string Name => DmarStructureType.Name(Type);

    public ushort? Segment { get; init; }

    public byte? Flags { get; init; }

    public ulong? BaseAddress { get; init; }

    public ulong? EndAddress { get; init; }

    public uint? ProximityDomain { get; init; }

    public byte? DeviceNumber { get; init; }

    public string? DeviceName { get; init; }

    public ImmutableArray<DmarDeviceScope> Scopes { get; init; } = [];
}
