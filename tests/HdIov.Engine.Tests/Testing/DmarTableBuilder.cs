using System.Buffers.Binary;
using System.Text;

namespace HdIov.Engine.Tests.Testing;

/// <summary>Builds a binary ACPI DMAR table: the 48-byte fixed part, then remapping structures, then the checksum.</summary>
public sealed class DmarTableBuilder
{
    private readonly List<byte[]> _structures = [];
    private readonly byte _width;
    private readonly byte _flags;
    private readonly string _oemId;
    private readonly string _oemTableId;

    public DmarTableBuilder(int hostAddressWidth = 52, byte flags = 0x5, string oemId = "INTEL", string oemTableId = "M50FCP")
    {
        _width = (byte)(hostAddressWidth - 1);
        _flags = flags;
        _oemId = oemId;
        _oemTableId = oemTableId;
    }

    /// <summary>A device scope: type, enumeration id, start bus and (device, function) path entries.</summary>
    public static byte[] Scope(byte type, byte enumerationId, byte startBus, params (byte Device, byte Function)[] path)
    {
        var scope = new byte[6 + (2 * path.Length)];
        scope[0] = type;
        scope[1] = (byte)scope.Length;
        scope[4] = enumerationId;
        scope[5] = startBus;
        for (var i = 0; i < path.Length; i++)
        {
            scope[6 + (2 * i)] = path[i].Device;
            scope[7 + (2 * i)] = path[i].Function;
        }

        return scope;
    }

    public DmarTableBuilder HardwareUnit(ulong registerBase, ushort segment, bool includeAll, params byte[][] scopes)
    {
        var fixedPart = new byte[16];
        fixedPart[4] = (byte)(includeAll ? 1 : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart.AsSpan(6), segment);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(8), registerBase);
        return Add(0, fixedPart, scopes);
    }

    public DmarTableBuilder ReservedMemory(ulong start, ulong end, params byte[][] scopes)
    {
        var fixedPart = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(8), start);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(16), end);
        return Add(1, fixedPart, scopes);
    }

    public DmarTableBuilder RootPortAts(byte flags, params byte[][] scopes)
    {
        var fixedPart = new byte[8];
        fixedPart[4] = flags;
        return Add(2, fixedPart, scopes);
    }

    public DmarTableBuilder StaticAffinity(ulong registerBase, uint proximityDomain)
    {
        var fixedPart = new byte[20];
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(8), registerBase);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart.AsSpan(16), proximityDomain);
        return Add(3, fixedPart, []);
    }

    public DmarTableBuilder NamespaceDevice(byte deviceNumber, string name)
    {
        var fixedPart = new byte[8 + name.Length + 1];
        fixedPart[7] = deviceNumber;
        Encoding.ASCII.GetBytes(name).CopyTo(fixedPart, 8);
        return Add(4, fixedPart, []);
    }

    public DmarTableBuilder SocAtc(byte flags, params byte[][] scopes)
    {
        var fixedPart = new byte[8];
        fixedPart[4] = flags;
        return Add(5, fixedPart, scopes);
    }

    public DmarTableBuilder SocDeviceProperty(params byte[][] scopes) => Add(6, new byte[8], scopes);

    public byte[] Build()
    {
        var length = 48 + _structures.Sum(s => s.Length);
        var table = new byte[length];
        "DMAR"u8.CopyTo(table);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)length);
        table[8] = 1;
        Encoding.ASCII.GetBytes(_oemId.PadRight(6)).CopyTo(table, 10);
        Encoding.ASCII.GetBytes(_oemTableId.PadRight(8)).CopyTo(table, 16);
        "INTL"u8.CopyTo(table.AsSpan(28));
        table[36] = _width;
        table[37] = _flags;
        var offset = 48;
        foreach (var structure in _structures)
        {
            structure.CopyTo(table, offset);
            offset += structure.Length;
        }

        FixChecksum(table);
        return table;
    }

    public static void FixChecksum(byte[] table)
    {
        table[9] = 0;
        byte sum = 0;
        foreach (var value in table)
        {
            sum = unchecked((byte)(sum + value));
        }

        table[9] = unchecked((byte)(0 - sum));
    }

    /// <summary>A two-socket Sapphire Rapids-like table: DRHD per root complex, RMRR, ATSR, RHSA, ANDD, SATC, SIDP.</summary>
    public static DmarTableBuilder SapphireRapidsLike() =>
        new DmarTableBuilder()
            .HardwareUnit(0xd97fc000, 0, false, Scope(2, 0, 0x6a, (0, 0)), Scope(1, 0, 0x6a, (1, 0)), Scope(1, 0, 0x6b, (0, 0)))
            .HardwareUnit(0xe17fc000, 0, false, Scope(1, 0, 0xe7, (1, 0)))
            .HardwareUnit(0xd13fc000, 0, true, Scope(3, 8, 0x00, (0x1e, 7)), Scope(4, 0, 0x00, (0x1e, 6)))
            .ReservedMemory(0x6c000000, 0x6c3fffff, Scope(1, 0, 0x00, (0x14, 0)))
            .RootPortAts(0, Scope(2, 0, 0x00, (1, 0)))
            .StaticAffinity(0xd97fc000, 0)
            .StaticAffinity(0xe17fc000, 1)
            .NamespaceDevice(1, "\\_SB.PC00.UA00")
            .SocAtc(1, Scope(1, 0, 0x6a, (1, 0)))
            .SocDeviceProperty(Scope(1, 0, 0x6a, (2, 0)));

    private DmarTableBuilder Add(ushort type, byte[] fixedPart, byte[][] scopes)
    {
        var structure = fixedPart.Concat(scopes.SelectMany(s => s)).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(structure.AsSpan(0), type);
        BinaryPrimitives.WriteUInt16LittleEndian(structure.AsSpan(2), (ushort)structure.Length);
        _structures.Add(structure);
        return this;
    }
}
