using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;

namespace HdIov.Engine.Hardware.Pci;

/// <summary>
/// A reader over a function's binary config space as sysfs <c>config</c> returns it: 64 bytes for an unprivileged
/// read, 256 for conventional PCI, 4096 for PCIe. Only the header must be present; capability chains are walked
/// the way the kernel walks them (pointers masked to dword alignment, a visited set, a bounded number of hops), and
/// anything that points outside the blob or loops ends the walk with a warning instead of an exception.
/// </summary>
public readonly ref struct ConfigSpace
{
    public const int HeaderSize = 64;
    public const int ConventionalSize = 256;
    public const int ExtendedSize = 4096;

    private const int StatusCapabilitiesList = 0x10;
    private const int StandardChainHopLimit = 48;
    private const int ExtendedChainHopLimit = (ExtendedSize - ConventionalSize) / 8;

    private readonly ReadOnlySpan<byte> _bytes;

    public ConfigSpace(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize)
        {
            throw new ConfigSpaceFormatException(
                string.Create(CultureInfo.InvariantCulture, $"PCI config space is {bytes.Length} bytes; at least the {HeaderSize}-byte header is needed"),
                bytes.Length);
        }

        _bytes = bytes;
    }

    public int Length => _bytes.Length;

    /// <summary>True when the blob reaches into the PCIe extended space (beyond 256 bytes).</summary>
    public bool HasExtendedSpace => _bytes.Length > ConventionalSize;

    public ushort VendorId => U16(0x00);

    public ushort DeviceId => U16(0x02);

    public ushort Command => U16(0x04);

    public ushort Status => U16(0x06);

    public byte Revision => _bytes[0x08];

    /// <summary>Base class, subclass and programming interface as one 24-bit value, like sysfs <c>class</c>.</summary>
    public uint ClassCode => (uint)((_bytes[0x0B] << 16) | (_bytes[0x0A] << 8) | _bytes[0x09]);

    /// <summary>The layout: 0 for an endpoint, 1 for a PCI-to-PCI bridge, 2 for a CardBus bridge.</summary>
    public int HeaderType => _bytes[0x0E] & 0x7F;

    public bool IsMultiFunction => (_bytes[0x0E] & 0x80) != 0;

    public ushort SubsystemVendorId => HeaderType == 0 ? U16(0x2C) : (ushort)0;

    public ushort SubsystemId => HeaderType == 0 ? U16(0x2E) : (ushort)0;

    public bool HasCapabilityList => (Status & StatusCapabilitiesList) != 0;

    public byte CapabilitiesPointer => _bytes[0x34];

    public static PciCapabilities ParseCapabilities(ReadOnlySpan<byte> bytes) => new ConfigSpace(bytes).ReadCapabilities();

    /// <summary>The BARs the header type defines, skipping unprogrammed ones; a 64-bit BAR takes two slots.</summary>
    public ImmutableArray<PciBar> ReadBars()
    {
        var count = HeaderType switch
        {
            0 => 6,
            1 => 2,
            _ => 0,
        };
        var bars = ImmutableArray.CreateBuilder<PciBar>();
        for (var index = 0; index < count; index++)
        {
            var raw = U32(0x10 + (4 * index));
            if (raw == 0)
            {
                continue;
            }

            if ((raw & 1) != 0)
            {
                bars.Add(new PciBar(index, raw & ~3u, IsIo: true, Is64Bit: false, Prefetchable: false));
                continue;
            }

            var is64 = ((raw >> 1) & 3) == 2 && index + 1 < count;
            var address = (ulong)(raw & ~0xFu);
            if (is64)
            {
                address |= (ulong)U32(0x10 + (4 * (index + 1))) << 32;
            }

            bars.Add(new PciBar(index, address, IsIo: false, is64, Prefetchable: (raw & 8) != 0));
            if (is64)
            {
                index++;
            }
        }

        return bars.ToImmutable();
    }

    /// <summary>Walks the standard and extended chains and decodes PASID, ATS, PRI, SR-IOV and the Intel SIOV DVSEC.</summary>
    public PciCapabilities ReadCapabilities()
    {
        var entries = ImmutableArray.CreateBuilder<PciCapabilityEntry>();
        var warnings = ImmutableArray.CreateBuilder<string>();
        WalkStandardChain(entries, warnings);
        if (HasExtendedSpace)
        {
            WalkExtendedChain(entries, warnings);
        }

        PasidCapability? pasid = null;
        AtsCapability? ats = null;
        PriCapability? pri = null;
        SriovCapability? sriov = null;
        SiovDvsec? siov = null;
        foreach (var entry in entries)
        {
            if (!entry.Extended)
            {
                continue;
            }

            switch (entry.Id)
            {
                case PciCapabilityIds.ExtendedPasid when pasid is null:
                    pasid = Decode(entry, 8, warnings, DecodePasid);
                    break;
                case PciCapabilityIds.ExtendedAts when ats is null:
                    ats = Decode(entry, 8, warnings, DecodeAts);
                    break;
                case PciCapabilityIds.ExtendedPri when pri is null:
                    pri = Decode(entry, 16, warnings, DecodePri);
                    break;
                case PciCapabilityIds.ExtendedSriov when sriov is null:
                    sriov = Decode(entry, 0x1C, warnings, DecodeSriov);
                    break;
                case PciCapabilityIds.ExtendedDvsec when siov is null && IsSiovDvsec(entry.Offset):
                    siov = Decode(entry, 0x18, warnings, DecodeSiovDvsec);
                    break;
                default:
                    break;
            }
        }

        return new PciCapabilities(entries.ToImmutable(), pasid, ats, pri, sriov, siov) { Warnings = warnings.ToImmutable() };
    }

    private delegate T Decoder<T>(ConfigSpace space, int offset);

    private T? Decode<T>(PciCapabilityEntry entry, int size, ImmutableArray<string>.Builder warnings, Decoder<T> decoder)
        where T : class
    {
        if (entry.Offset + size > _bytes.Length)
        {
            warnings.Add(Hex($"capability 0x{entry.Id:x2} at 0x{entry.Offset:x3} is cut off by the end of config space (0x{_bytes.Length:x})"));
            return null;
        }

        return decoder(this, entry.Offset);
    }

    private void WalkStandardChain(ImmutableArray<PciCapabilityEntry>.Builder entries, ImmutableArray<string>.Builder warnings)
    {
        if (!HasCapabilityList)
        {
            return;
        }

        var limit = Math.Min(_bytes.Length, ConventionalSize);
        var visited = new HashSet<int>();
        var position = CapabilitiesPointer & ~3;
        for (var hops = 0; position != 0; hops++)
        {
            if (position < HeaderSize)
            {
                warnings.Add(Hex($"capability pointer 0x{position:x2} points into the header; the standard chain ends there"));
                return;
            }

            if (position + 2 > limit)
            {
                if (_bytes.Length <= HeaderSize)
                {
                    warnings.Add("config space holds only the 64-byte header (an unprivileged read); capabilities are not visible");
                }
                else
                {
                    warnings.Add(Hex($"capability pointer 0x{position:x2} is beyond the end of config space"));
                }

                return;
            }

            if (hops >= StandardChainHopLimit || !visited.Add(position))
            {
                warnings.Add(Hex($"the standard capability chain loops at 0x{position:x2}"));
                return;
            }

            entries.Add(new PciCapabilityEntry(_bytes[position], position, Extended: false, Version: 0));
            position = _bytes[position + 1] & ~3;
        }
    }

    private void WalkExtendedChain(ImmutableArray<PciCapabilityEntry>.Builder entries, ImmutableArray<string>.Builder warnings)
    {
        var visited = new HashSet<int>();
        var position = ConventionalSize;
        for (var hops = 0; ; hops++)
        {
            if (position + 4 > _bytes.Length)
            {
                warnings.Add(Hex($"extended capability pointer 0x{position:x3} is beyond the end of config space"));
                return;
            }

            if (hops >= ExtendedChainHopLimit || !visited.Add(position))
            {
                warnings.Add(Hex($"the extended capability chain loops at 0x{position:x3}"));
                return;
            }

            var header = U32(position);
            if (header is 0 or 0xFFFFFFFF)
            {
                return;
            }

            entries.Add(new PciCapabilityEntry((ushort)(header & 0xFFFF), position, Extended: true, Version: (int)((header >> 16) & 0xF)));
            var next = (int)((header >> 20) & 0xFFC);
            if (next == 0)
            {
                return;
            }

            if (next < ConventionalSize)
            {
                warnings.Add(Hex($"extended capability at 0x{position:x3} points back into the conventional space (0x{next:x3})"));
                return;
            }

            position = next;
        }
    }

    private bool IsSiovDvsec(int offset) =>
        offset + 10 <= _bytes.Length
        && U16(offset + 4) == PciCapabilityIds.SiovDvsecVendor
        && U16(offset + 8) == PciCapabilityIds.SiovDvsecId;

    private static PasidCapability DecodePasid(ConfigSpace space, int offset)
    {
        var capability = space.U16(offset + 4);
        var control = space.U16(offset + 6);
        return new PasidCapability(
            offset,
            MaxPasidWidth: (capability >> 8) & 0x1F,
            ExecutePermission: (capability & 0x2) != 0,
            PrivilegedMode: (capability & 0x4) != 0,
            Enabled: (control & 0x1) != 0);
    }

    private static AtsCapability DecodeAts(ConfigSpace space, int offset)
    {
        var depth = space.U16(offset + 4) & 0x1F;
        return new AtsCapability(offset, InvalidateQueueDepth: depth == 0 ? 32 : depth, Enabled: (space.U16(offset + 6) & 0x8000) != 0);
    }

    private static PriCapability DecodePri(ConfigSpace space, int offset) =>
        new(offset, OutstandingPageRequestCapacity: space.U32(offset + 8), Enabled: (space.U16(offset + 4) & 0x1) != 0);

    private static SriovCapability DecodeSriov(ConfigSpace space, int offset) =>
        new(
            offset,
            InitialVfs: space.U16(offset + 0x0C),
            TotalVfs: space.U16(offset + 0x0E),
            NumVfs: space.U16(offset + 0x10),
            FirstVfOffset: space.U16(offset + 0x14),
            VfStride: space.U16(offset + 0x16),
            VfDeviceId: space.U16(offset + 0x1A));

    private static SiovDvsec DecodeSiovDvsec(ConfigSpace space, int offset)
    {
        var header = space.U32(offset + 4);
        return new SiovDvsec(
            offset,
            Revision: (int)((header >> 16) & 0xF),
            Length: (int)(header >> 20),
            FunctionDependencyLink: space._bytes[offset + 0x0A],
            Homogeneous: (space._bytes[offset + 0x0B] & 0x1) != 0,
            SupportedPageSizes: space.U32(offset + 0x0C),
            SystemPageSize: space.U32(offset + 0x10),
            ImsSupported: (space.U32(offset + 0x14) & 0x1) != 0);
    }

    private ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.Slice(offset, 2));

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.Slice(offset, 4));

    private static string Hex(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
