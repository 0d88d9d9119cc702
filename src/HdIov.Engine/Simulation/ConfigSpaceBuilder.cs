using System.Buffers.Binary;

namespace HdIov.Engine.Simulation;

/// <summary>
/// Builds the binary PCI configuration space of a function from its template: the type 0 header, the
/// standard capability list and the PCIe extended capability chain, laid out so that lspci decodes it.
/// </summary>
internal static class ConfigSpaceBuilder
{
    public const int Size = 4096;
    private const int SriovId = 0x10;

    public static byte[] Build(DeviceTemplateData template, IReadOnlyDictionary<int, ulong> bars, SriovLayout? sriov)
    {
        var c = new byte[Size];
        U16(c, 0x00, Hex.ParseInt(template.Vendor, "vendor"));
        U16(c, 0x02, Hex.ParseInt(template.Device, "device"));
        U16(c, 0x04, 0x0406);
        U16(c, 0x06, template.Capabilities.Count > 0 ? 0x0010 : 0);
        var classCode = Hex.ParseInt(template.Class, "class");
        c[0x08] = (byte)(Hex.ParseInt(template.Revision, "revision") & 0xff);
        c[0x09] = (byte)(classCode & 0xff);
        c[0x0a] = (byte)((classCode >> 8) & 0xff);
        c[0x0b] = (byte)((classCode >> 16) & 0xff);
        WriteBars(c, 0x10, template.Bars, bars);
        U16(c, 0x2c, Hex.ParseInt(template.SubsystemVendor, "subsystemVendor"));
        U16(c, 0x2e, Hex.ParseInt(template.SubsystemDevice, "subsystemDevice"));
        c[0x3d] = 1;

        WriteStandardCapabilities(c, template);
        WriteExtendedCapabilities(c, template, sriov);
        return c;
    }

    /// <summary>Reflects a sriov_numvfs change in the SR-IOV capability: NumVFs and the VF Enable/MSE bits.</summary>
    public static void SetNumVfs(byte[] config, int numVfs)
    {
        var offset = FindExtended(config, SriovId);
        if (offset < 0)
        {
            return;
        }

        U16(config, offset + 0x10, numVfs);
        var control = BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(offset + 0x08));
        control = (ushort)(numVfs > 0 ? control | 0x0009 : control & ~0x0009);
        U16(config, offset + 0x08, control);
    }

    public static int FindExtended(byte[] config, int id)
    {
        var offset = 0x100;
        for (var hops = 0; offset >= 0x100 && offset < config.Length - 4 && hops < 64; hops++)
        {
            var header = BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(offset));
            if ((header & 0xffff) == id)
            {
                return offset;
            }

            offset = (int)(header >> 20);
        }

        return -1;
    }

    private static void WriteBars(byte[] c, int at, IReadOnlyList<BarData> barData, IReadOnlyDictionary<int, ulong> bars)
    {
        foreach (var bar in barData)
        {
            var address = bars.TryGetValue(bar.Index, out var a) ? a : 0;
            var flags = (bar.Is64Bit ? 0x4u : 0u) | (bar.Prefetchable ? 0x8u : 0u);
            var offset = at + (bar.Index * 4);
            U32(c, offset, (uint)(address & 0xfffffff0) | flags);
            if (bar.Is64Bit)
            {
                U32(c, offset + 4, (uint)(address >> 32));
            }
        }
    }

    private static void WriteStandardCapabilities(byte[] c, DeviceTemplateData template)
    {
        var next = 0x40;
        var previousNextPointer = 0x34;
        foreach (var cap in template.Capabilities)
        {
            var offset = cap.Offset is null ? next : Hex.ParseInt(cap.Offset, "capability offset");
            c[previousNextPointer] = (byte)offset;
            var size = cap.Id switch
            {
                "pm" => WritePowerManagement(c, offset),
                "msix" => WriteMsix(c, offset, cap),
                "pcie" => WritePcie(c, offset, cap, template.PortType),
                _ => throw new FormatException($"profile capability '{cap.Id}' is unknown; use pm, msix or pcie"),
            };
            previousNextPointer = offset + 1;
            next = Align(offset + size, 4);
        }
    }

    private static void WriteExtendedCapabilities(byte[] c, DeviceTemplateData template, SriovLayout? sriov)
    {
        var next = 0x100;
        var previous = -1;
        foreach (var cap in template.ExtendedCapabilities)
        {
            var offset = cap.Offset is null ? next : Hex.ParseInt(cap.Offset, "extended capability offset");
            if (previous >= 0)
            {
                var header = BinaryPrimitives.ReadUInt32LittleEndian(c.AsSpan(previous));
                U32(c, previous, (header & 0x000fffff) | ((uint)offset << 20));
            }

            var (id, version, size) = cap.Id switch
            {
                "aer" => (0x01, 2, 0x48),
                "ari" => (0x0e, 1, 8),
                "ats" => (0x0f, 1, 8),
                "sriov" => (SriovId, 1, 0x40),
                "pri" => (0x13, 1, 0x10),
                "pasid" => (0x1b, 1, 8),
                "siov-dvsec" => (0x23, 1, 0x18),
                _ => throw new FormatException($"profile extended capability '{cap.Id}' is unknown; use aer, ari, ats, sriov, pri, pasid or siov-dvsec"),
            };
            U32(c, offset, (uint)id | ((uint)version << 16));
            switch (cap.Id)
            {
                case "aer":
                    U32(c, offset + 0x0c, 0x00462030);
                    break;
                case "ari":
                    U16(c, offset + 4, cap.NextFunction << 8);
                    break;
                case "ats":
                    U16(c, offset + 4, (cap.QueueDepth & 0x1f) | 0x20);
                    break;
                case "sriov":
                    WriteSriov(c, offset, sriov ?? throw new FormatException("an sriov capability needs an sriov section in the template"));
                    break;
                case "pri":
                    U16(c, offset + 6, 0x0100);
                    U32(c, offset + 8, (uint)cap.OutstandingRequests);
                    break;
                case "pasid":
                    U16(c, offset + 4, (cap.Execute ? 0x2 : 0) | (cap.Privileged ? 0x4 : 0) | ((cap.Width & 0x1f) << 8));
                    break;
                case "siov-dvsec":
                    // Intel Scalable IOV DVSEC: vendor 8086, revision 0, length 0x18, DVSEC ID 5; homogeneous, 4K pages, IMS supported.
                    U32(c, offset + 4, 0x8086u | (0u << 16) | (0x18u << 20));
                    U16(c, offset + 8, 0x0005);
                    c[offset + 0x0b] = 0x01;
                    U32(c, offset + 0x0c, 0x553);
                    U32(c, offset + 0x10, 0x1);
                    U32(c, offset + 0x14, 0x1);
                    break;
                default:
                    break;
            }

            previous = offset;
            next = Align(offset + size, 4);
        }
    }

    private static int WritePowerManagement(byte[] c, int offset)
    {
        c[offset] = 0x01;
        U16(c, offset + 2, 0x0003);
        U16(c, offset + 4, 0x0008);
        return 8;
    }

    private static int WriteMsix(byte[] c, int offset, CapabilityData cap)
    {
        c[offset] = 0x11;
        U16(c, offset + 2, Math.Max(cap.Count, 1) - 1);
        U32(c, offset + 4, (uint)Hex.ParseInt(cap.TableOffset ?? "0x0", "msix table") | (uint)cap.Bar);
        U32(c, offset + 8, (uint)Hex.ParseInt(cap.PbaOffset ?? "0x0", "msix pba") | (uint)cap.Bar);
        return 12;
    }

    private static int WritePcie(byte[] c, int offset, CapabilityData cap, string portType)
    {
        var type = portType switch
        {
            "endpoint" => 0,
            "rciep" => 9,
            _ => throw new FormatException($"profile portType '{portType}' is unknown; use endpoint or rciep"),
        };
        c[offset] = 0x10;
        U16(c, offset + 2, 0x0002 | (type << 4));
        U32(c, offset + 0x04, 0x10008002);
        U16(c, offset + 0x08, 0x2020);
        if (type == 0)
        {
            var speed = cap.LinkSpeed == 0 ? 4 : cap.LinkSpeed;
            var width = cap.LinkWidth == 0 ? 16 : cap.LinkWidth;
            U32(c, offset + 0x0c, (uint)(speed | (width << 4)));
            U16(c, offset + 0x12, speed | (width << 4));
        }

        U32(c, offset + 0x24, cap.EetlpPrefix ? (1u << 21) | (1u << 22) : 0u);
        return 0x3c;
    }

    private static void WriteSriov(byte[] c, int offset, SriovLayout sriov)
    {
        U16(c, offset + 0x08, 0x0010);
        U16(c, offset + 0x0c, sriov.TotalVfs);
        U16(c, offset + 0x0e, sriov.TotalVfs);
        U16(c, offset + 0x10, sriov.NumVfs);
        U16(c, offset + 0x14, sriov.Offset);
        U16(c, offset + 0x16, sriov.Stride);
        U16(c, offset + 0x1a, sriov.VfDevice);
        U32(c, offset + 0x1c, 0x553);
        U32(c, offset + 0x20, 0x1);
        WriteBars(c, offset + 0x24, sriov.VfBars, sriov.VfBarAddresses);
        if (sriov.NumVfs > 0)
        {
            SetNumVfs(c, sriov.NumVfs);
        }
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static void U16(byte[] c, int offset, int value) => BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(offset), (ushort)value);

    private static void U32(byte[] c, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(offset), value);
}
