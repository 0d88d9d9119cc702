using System.Buffers.Binary;
using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Simulation;

/// <summary>CPUID answers made from a profile's CPU: vendor, signature, brand string and the feature bits it lists.</summary>
internal static class SimulatedCpuId
{
    // (leaf, subleaf, register 0=eax 1=ebx 2=ecx 3=edx, bit) per feature name.
    private static readonly Dictionary<string, (uint Leaf, uint Subleaf, int Register, int Bit)> Features = new(StringComparer.Ordinal)
    {
        ["vmx"] = (1, 0, 2, 5),
        ["x2apic"] = (1, 0, 2, 21),
        ["hypervisor"] = (1, 0, 2, 31),
        ["movdiri"] = (7, 0, 2, 27),
        ["movdir64b"] = (7, 0, 2, 28),
        ["enqcmd"] = (7, 0, 2, 29),
    };

    public static CpuIdResult Answer(CpuData cpu, uint leaf, uint subleaf)
    {
        var registers = new uint[4];
        var model = (uint)Hex.ParseInt(cpu.Model, "cpu model");
        switch (leaf)
        {
            case 0:
                var vendor = Encoding.ASCII.GetBytes(cpu.Vendor.PadRight(12)[..12]);
                registers[0] = 0x20;
                registers[1] = BinaryPrimitives.ReadUInt32LittleEndian(vendor.AsSpan(0));
                registers[3] = BinaryPrimitives.ReadUInt32LittleEndian(vendor.AsSpan(4));
                registers[2] = BinaryPrimitives.ReadUInt32LittleEndian(vendor.AsSpan(8));
                break;
            case 1:
                registers[0] = (uint)cpu.Stepping | ((model & 0xf) << 4) | (((uint)cpu.Family & 0xf) << 8) | (((model >> 4) & 0xf) << 16);
                break;
            case 0x8000_0000:
                registers[0] = 0x8000_0008;
                break;
            case >= 0x8000_0002 and <= 0x8000_0004:
                var brand = Encoding.ASCII.GetBytes(cpu.Brand.PadRight(48, '\0')[..48]);
                var chunk = (int)(leaf - 0x8000_0002) * 16;
                for (var i = 0; i < 4; i++)
                {
                    registers[i] = BinaryPrimitives.ReadUInt32LittleEndian(brand.AsSpan(chunk + (i * 4)));
                }

                break;
            default:
                break;
        }

        foreach (var name in cpu.CpuidFeatures)
        {
            if (Features.TryGetValue(name, out var f) && f.Leaf == leaf && f.Subleaf == subleaf)
            {
                registers[f.Register] |= 1u << f.Bit;
            }
        }

        return new CpuIdResult(registers[0], registers[1], registers[2], registers[3]);
    }
}
