using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace HdIov.Engine.Hardware.Acpi;

/// <summary>
/// Parses the binary DMAR table (<c>/sys/firmware/acpi/tables/DMAR</c>). Every length is checked against the table
/// before it is used and every structure advances the cursor, so a corrupt table ends in an
/// <see cref="AcpiTableFormatException"/> naming the offset, never in a loop or an out-of-range read.
/// </summary>
public static class DmarParser
{
    public const int HeaderSize = 36;
    private const int StructuresOffset = 48;
    private const int DeviceScopeHeaderSize = 6;

    public static DmarTable Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < StructuresOffset)
        {
            throw Error($"the DMAR table is {data.Length} bytes; its fixed part alone is {StructuresOffset}", data.Length);
        }

        if (!data[..4].SequenceEqual("DMAR"u8))
        {
            throw Error($"the table signature is '{Ascii(data[..4])}', not 'DMAR'", 0);
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (length < StructuresOffset || length > data.Length)
        {
            throw Error($"the header says the table is {length} bytes but {data.Length} bytes were read; the table is truncated or its length field is corrupt", 4);
        }

        var table = data[..(int)length];
        byte sum = 0;
        foreach (var value in table)
        {
            sum = unchecked((byte)(sum + value));
        }

        if (sum != 0)
        {
            throw Error($"the DMAR table checksum does not match (bytes sum to 0x{sum:x2}, not 0); the table is corrupt, or the firmware wrote a bad checksum: update the BIOS", 9);
        }

        var flags = table[37];
        var hardwareUnits = ImmutableArray.CreateBuilder<DmarHardwareUnit>();
        var others = ImmutableArray.CreateBuilder<DmarRemappingStructure>();
        var offset = StructuresOffset;
        while (offset < table.Length)
        {
            if (offset + 4 > table.Length)
            {
                throw Error($"{table.Length - offset} stray bytes at the end of the table", offset);
            }

            var type = BinaryPrimitives.ReadUInt16LittleEndian(table[offset..]);
            var structureLength = BinaryPrimitives.ReadUInt16LittleEndian(table[(offset + 2)..]);
            if (structureLength < 4 || offset + structureLength > table.Length)
            {
                throw Error($"{DmarStructureType.Name(type)} structure (type {type}) has length {structureLength}, which does not fit the table", offset);
            }

            var structure = table.Slice(offset, structureLength);
            if (type == DmarStructureType.HardwareUnit)
            {
                hardwareUnits.Add(ParseHardwareUnit(structure, offset));
            }
            else
            {
                others.Add(ParseOther(type, structure, offset));
            }

            offset += structureLength;
        }

        return new DmarTable(
            OemId: Ascii(table.Slice(10, 6)),
            OemTableId: Ascii(table.Slice(16, 8)),
            Revision: table[8],
            HostAddressWidth: table[36] + 1,
            InterruptRemapping: (flags & 0x1) != 0,
            X2ApicOptOut: (flags & 0x2) != 0,
            DmaControlOptIn: (flags & 0x4) != 0,
            hardwareUnits.ToImmutable(),
            others.ToImmutable());
    }

    private static DmarHardwareUnit ParseHardwareUnit(ReadOnlySpan<byte> structure, int offset)
    {
        Require(structure, 16, "DRHD", offset);
        return new DmarHardwareUnit(
            RegisterBase: BinaryPrimitives.ReadUInt64LittleEndian(structure[8..]),
            Segment: BinaryPrimitives.ReadUInt16LittleEndian(structure[6..]),
            IncludePciAll: (structure[4] & 0x1) != 0,
            Scopes: ParseScopes(structure[16..], offset + 16));
    }

    private static DmarRemappingStructure ParseOther(ushort type, ReadOnlySpan<byte> structure, int offset)
    {
        var name = DmarStructureType.Name(type);
        var plain = new DmarRemappingStructure(type, structure.Length);
        switch (type)
        {
            case DmarStructureType.ReservedMemory:
                Require(structure, 24, name, offset);
                return plain with
                {
                    Segment = BinaryPrimitives.ReadUInt16LittleEndian(structure[6..]),
                    BaseAddress = BinaryPrimitives.ReadUInt64LittleEndian(structure[8..]),
                    EndAddress = BinaryPrimitives.ReadUInt64LittleEndian(structure[16..]),
                    Scopes = ParseScopes(structure[24..], offset + 24),
                };
            case DmarStructureType.RootPortAts:
            case DmarStructureType.SocIntegratedAtc:
                Require(structure, 8, name, offset);
                return plain with
                {
                    Flags = structure[4],
                    Segment = BinaryPrimitives.ReadUInt16LittleEndian(structure[6..]),
                    Scopes = ParseScopes(structure[8..], offset + 8),
                };
            case DmarStructureType.HardwareStaticAffinity:
                Require(structure, 20, name, offset);
                return plain with
                {
                    BaseAddress = BinaryPrimitives.ReadUInt64LittleEndian(structure[8..]),
                    ProximityDomain = BinaryPrimitives.ReadUInt32LittleEndian(structure[16..]),
                };
            case DmarStructureType.NamespaceDevice:
                Require(structure, 8, name, offset);
                return plain with { DeviceNumber = structure[7], DeviceName = Ascii(structure[8..]) };
            case DmarStructureType.SocIntegratedDeviceProperty:
                Require(structure, 8, name, offset);
                return plain with
                {
                    Segment = BinaryPrimitives.ReadUInt16LittleEndian(structure[6..]),
                    Scopes = ParseScopes(structure[8..], offset + 8),
                };
            default:
                return plain;
        }
    }

    private static ImmutableArray<DmarDeviceScope> ParseScopes(ReadOnlySpan<byte> data, int offset)
    {
        var scopes = ImmutableArray.CreateBuilder<DmarDeviceScope>();
        var position = 0;
        while (position < data.Length)
        {
            if (position + 2 > data.Length)
            {
                throw Error($"a device scope is cut off by the end of its structure", offset + position);
            }

            var length = data[position + 1];
            if (length < DeviceScopeHeaderSize || position + length > data.Length || (length - DeviceScopeHeaderSize) % 2 != 0)
            {
                throw Error($"device scope has length {length}; it must be 6 plus 2 per path entry and fit its structure", offset + position);
            }

            var path = ImmutableArray.CreateBuilder<(byte Device, byte Function)>();
            for (var entry = position + DeviceScopeHeaderSize; entry < position + length; entry += 2)
            {
                path.Add((data[entry], data[entry + 1]));
            }

            scopes.Add(new DmarDeviceScope(data[position], data[position + 4], data[position + 5], path.ToImmutable()));
            position += length;
        }

        return scopes.ToImmutable();
    }

    private static void Require(ReadOnlySpan<byte> structure, int size, string name, int offset)
    {
        if (structure.Length < size)
        {
            throw Error($"{name} structure is {structure.Length} bytes; it needs at least {size}", offset);
        }
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var value in bytes)
        {
            if (value == 0)
            {
                break;
            }

            text.Append(value is >= 0x20 and < 0x7F ? (char)value : '?');
        }

        return text.ToString().TrimEnd();
    }

    private static AcpiTableFormatException Error(FormattableString message, int offset) =>
        new(string.Create(CultureInfo.InvariantCulture, $"DMAR table at offset 0x{offset:x}: ") + message.ToString(CultureInfo.InvariantCulture), offset);
}
