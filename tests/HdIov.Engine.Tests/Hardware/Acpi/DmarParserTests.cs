using CsCheck;
using HdIov.Engine.Hardware.Acpi;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Hardware.Acpi;

[Trait("Category", "Simulation")]
public sealed class DmarParserTests
{
    private static readonly byte[] Spr = DmarTableBuilder.SapphireRapidsLike().Build();

    [Fact]
    public void Parse_SapphireRapidsLikeTable_ReadsHeaderAndFlags()
    {
        var table = DmarParser.Parse(Spr);

        Assert.Equal("INTEL", table.OemId);
        Assert.Equal("M50FCP", table.OemTableId);
        Assert.Equal(1, table.Revision);
        Assert.Equal(52, table.HostAddressWidth);
        Assert.True(table.InterruptRemapping);
        Assert.False(table.X2ApicOptOut);
        Assert.True(table.DmaControlOptIn);
    }

    [Fact]
    public void Parse_SapphireRapidsLikeTable_ReadsHardwareUnitsWithScopes()
    {
        var units = DmarParser.Parse(Spr).HardwareUnits;

        Assert.Equal([0xd97fc000UL, 0xe17fc000UL, 0xd13fc000UL], units.Select(u => u.RegisterBase));
        Assert.Equal([false, false, true], units.Select(u => u.IncludePciAll));
        var first = units[0].Scopes;
        Assert.Equal(3, first.Length);
        Assert.Equal((byte)2, first[0].Type);
        Assert.Equal((byte)0x6b, first[2].StartBus);
        Assert.Equal(((byte)0, (byte)0), Assert.Single(first[2].Path));
        Assert.Equal((byte)3, units[2].Scopes[0].Type);
        Assert.Equal((byte)8, units[2].Scopes[0].EnumerationId);
        Assert.Equal(((byte)0x1e, (byte)7), Assert.Single(units[2].Scopes[0].Path));
    }

    [Fact]
    public void Parse_SapphireRapidsLikeTable_ReadsOtherStructures()
    {
        var others = DmarParser.Parse(Spr).OtherStructures;

        Assert.Equal(["RMRR", "ATSR", "RHSA", "RHSA", "ANDD", "SATC", "SIDP"], others.Select(s => s.Name));
        Assert.Equal(0x6c000000UL, others[0].BaseAddress);
        Assert.Equal(0x6c3fffffUL, others[0].EndAddress);
        Assert.Single(others[0].Scopes);
        Assert.Equal(1u, others[3].ProximityDomain);
        Assert.Equal(0xe17fc000UL, others[3].BaseAddress);
        Assert.Equal("\\_SB.PC00.UA00", others[4].DeviceName);
        Assert.Equal((byte)1, others[5].Flags);
        Assert.Equal((byte)2, others[6].Scopes[0].Path[0].Device);
    }

    [Fact]
    public void Parse_ChecksumMismatch_SaysChecksum()
    {
        var bytes = (byte[])Spr.Clone();
        bytes[60] ^= 0x10;

        var error = Assert.Throws<AcpiTableFormatException>(() => DmarParser.Parse(bytes));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, error.Offset);
    }

    [Fact]
    public void Parse_WrongSignature_NamesTheSignature()
    {
        var bytes = (byte[])Spr.Clone();
        "APIC"u8.CopyTo(bytes);

        var error = Assert.Throws<AcpiTableFormatException>(() => DmarParser.Parse(bytes));

        Assert.Contains("'APIC'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedRead_SaysTruncated()
    {
        var error = Assert.Throws<AcpiTableFormatException>(() => DmarParser.Parse(Spr.AsSpan(0, Spr.Length - 10)));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StructureOfLengthZero_FailsInsteadOfLooping()
    {
        var bytes = (byte[])Spr.Clone();
        bytes[50] = 0;
        bytes[51] = 0;
        DmarTableBuilder.FixChecksum(bytes);

        var error = Assert.Throws<AcpiTableFormatException>(() => DmarParser.Parse(bytes));

        Assert.Equal(48, error.Offset);
        Assert.Contains("DRHD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownStructureType_IsKeptByTypeAndLength()
    {
        var bytes = new DmarTableBuilder().SocDeviceProperty().Build();
        bytes[48] = 9;
        DmarTableBuilder.FixChecksum(bytes);

        var other = Assert.Single(DmarParser.Parse(bytes).OtherStructures);

        Assert.Equal((ushort)9, other.Type);
        Assert.Equal(8, other.Length);
    }

    [Fact]
    public void Parse_MutatedTables_OnlyAcpiTableFormatExceptionEscapes()
    {
        Gen.Select(Gen.Int[0, Spr.Length - 1].Array[1, 8], Gen.Byte.Array[8], Gen.Bool).Sample(
            (positions, values, fixChecksum) =>
            {
                var bytes = (byte[])Spr.Clone();
                for (var i = 0; i < positions.Length; i++)
                {
                    bytes[positions[i]] = values[i];
                }

                if (fixChecksum)
                {
                    DmarTableBuilder.FixChecksum(bytes);
                }

                try
                {
                    var table = DmarParser.Parse(bytes);
                    Assert.True(table.HardwareUnits.Length + table.OtherStructures.Length <= bytes.Length / 4);
                }
                catch (AcpiTableFormatException)
                {
                }
            },
            iter: 5000);
    }

    [Fact]
    public void Parse_RandomBlobs_OnlyAcpiTableFormatExceptionEscapes()
    {
        Gen.Byte.Array[0, 600].Sample(
            bytes =>
            {
                if (bytes.Length >= 4)
                {
                    "DMAR"u8.CopyTo(bytes);
                }

                if (bytes.Length >= 48)
                {
                    BitConverterWrite(bytes, bytes.Length);
                    DmarTableBuilder.FixChecksum(bytes);
                }

                try
                {
                    _ = DmarParser.Parse(bytes);
                }
                catch (AcpiTableFormatException)
                {
                }
            },
            iter: 5000);
    }

    private static void BitConverterWrite(byte[] bytes, int length) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)length);
}
