using System.Buffers.Binary;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// Builds binary PCI config spaces the way hardware lays them out: the type 0 header, a standard capability chain
/// linked from 0x34 and a PCIe extended chain from 0x100, each capability placed at a chosen offset.
/// </summary>
public sealed class ConfigSpaceBuilder
{
    private readonly byte[] _bytes;
    private readonly List<int> _standard = [];
    private readonly List<int> _extended = [];

    public ConfigSpaceBuilder(ushort vendor, ushort device, uint classCode, byte revision = 0, int size = 4096)
    {
        _bytes = new byte[size];
        U16(0x00, vendor);
        U16(0x02, device);
        _bytes[0x08] = revision;
        _bytes[0x09] = (byte)classCode;
        _bytes[0x0A] = (byte)(classCode >> 8);
        _bytes[0x0B] = (byte)(classCode >> 16);
    }

    public ConfigSpaceBuilder Subsystem(ushort vendor, ushort device)
    {
        U16(0x2C, vendor);
        U16(0x2E, device);
        return this;
    }

    public ConfigSpaceBuilder Bar(int index, uint value)
    {
        U32(0x10 + (4 * index), value);
        return this;
    }

    /// <summary>A standard capability: id at <paramref name="offset"/>, the next pointer filled in by <see cref="Build"/>.</summary>
    public ConfigSpaceBuilder Standard(byte id, int offset)
    {
        _bytes[offset] = id;
        _standard.Add(offset);
        return this;
    }

    public ConfigSpaceBuilder Extended(ushort id, int offset, int version = 1)
    {
        U32(offset, (uint)(id | (version << 16)));
        _extended.Add(offset);
        return this;
    }

    public ConfigSpaceBuilder Pasid(int offset, int width, bool execute, bool privileged, bool enabled)
    {
        Extended(0x1B, offset);
        U16(offset + 4, (ushort)((width << 8) | (execute ? 2 : 0) | (privileged ? 4 : 0)));
        U16(offset + 6, (ushort)(enabled ? 1 | (privileged ? 4 : 0) : 0));
        return this;
    }

    public ConfigSpaceBuilder Ats(int offset, int queueDepth, bool enabled)
    {
        Extended(0x0F, offset);
        U16(offset + 4, (ushort)(queueDepth & 0x1F));
        U16(offset + 6, (ushort)(enabled ? 0x8000 : 0));
        return this;
    }

    public ConfigSpaceBuilder Pri(int offset, uint capacity, bool enabled)
    {
        Extended(0x13, offset);
        U16(offset + 4, (ushort)(enabled ? 1 : 0));
        U32(offset + 8, capacity);
        U32(offset + 12, capacity);
        return this;
    }

    public ConfigSpaceBuilder Sriov(int offset, ushort initial, ushort total, ushort numVfs, ushort firstOffset, ushort stride, ushort vfDevice)
    {
        Extended(0x10, offset);
        U16(offset + 0x0C, initial);
        U16(offset + 0x0E, total);
        U16(offset + 0x10, numVfs);
        U16(offset + 0x14, firstOffset);
        U16(offset + 0x16, stride);
        U16(offset + 0x1A, vfDevice);
        return this;
    }

    /// <summary>The Intel SIOV DVSEC: vendor 0x8086, id 5, revision 0, 24 bytes (domain-facts §4.1 field layout).</summary>
    public ConfigSpaceBuilder SiovDvsec(int offset, byte dependencyLink = 0, bool homogeneous = true, uint supportedPageSizes = 0x553, uint systemPageSize = 1, bool ims = true)
    {
        Extended(0x23, offset);
        U32(offset + 4, 0x8086u | (0u << 16) | (0x18u << 20));
        U16(offset + 8, 0x0005);
        _bytes[offset + 0x0A] = dependencyLink;
        _bytes[offset + 0x0B] = (byte)(homogeneous ? 1 : 0);
        U32(offset + 0x0C, supportedPageSizes);
        U32(offset + 0x10, systemPageSize);
        U32(offset + 0x14, ims ? 1u : 0u);
        return this;
    }

    public byte[] Build()
    {
        var bytes = (byte[])_bytes.Clone();
        if (_standard.Count > 0)
        {
            bytes[0x06] |= 0x10;
            bytes[0x34] = (byte)_standard[0];
            for (var i = 0; i < _standard.Count; i++)
            {
                bytes[_standard[i] + 1] = i + 1 < _standard.Count ? (byte)_standard[i + 1] : (byte)0;
            }
        }

        if (_extended.Count > 0 && _extended[0] != 0x100)
        {
            throw new InvalidOperationException("the PCIe extended chain always starts at 0x100; add the first extended capability there");
        }

        for (var i = 0; i < _extended.Count; i++)
        {
            var header = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(_extended[i]));
            var next = i + 1 < _extended.Count ? (uint)_extended[i + 1] : 0u;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(_extended[i]), (header & 0xFFFFF) | (next << 20));
        }

        return bytes;
    }

    /// <summary>A DSA-like function as captured on Sapphire Rapids: DVSEC 0x200, ATS 0x220, PASID 0x230 (width 20, Priv+), PRI 0x240.</summary>
    public static ConfigSpaceBuilder DsaLike() =>
        new ConfigSpaceBuilder(0x8086, 0x0b25, 0x088000, revision: 1)
            .Subsystem(0x8086, 0x0000)
            .Bar(0, 0xd000000C).Bar(1, 0x000000c0)
            .Standard(0x10, 0x40).Standard(0x11, 0x80).Standard(0x01, 0x90)
            .Extended(0x01, 0x100, version: 2).Extended(0x18, 0x150).Extended(0x17, 0x160).Extended(0x02, 0x170)
            .SiovDvsec(0x200)
            .Ats(0x220, 0, enabled: true)
            .Pasid(0x230, 20, execute: false, privileged: true, enabled: true)
            .Pri(0x240, 0x200, enabled: false);

    /// <summary>A QAT 4xxx PF: SR-IOV for 16 VFs of device 0x4941, PASID, ATS and the SIOV DVSEC.</summary>
    public static ConfigSpaceBuilder Qat4xxxLike() =>
        new ConfigSpaceBuilder(0x8086, 0x4940, 0x0b4000, revision: 0x40)
            .Subsystem(0x8086, 0x0000)
            .Standard(0x10, 0x40).Standard(0x11, 0xb0).Standard(0x01, 0x80)
            .Extended(0x01, 0x100, version: 2)
            .Sriov(0x150, initial: 16, total: 16, numVfs: 0, firstOffset: 1, stride: 1, vfDevice: 0x4941)
            .Ats(0x190, 0, enabled: false)
            .Pasid(0x1a0, 20, execute: false, privileged: false, enabled: false)
            .SiovDvsec(0x1b0);

    private void U16(int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(offset), value);

    private void U32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(offset), value);
}
