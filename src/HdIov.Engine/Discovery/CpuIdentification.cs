using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>Decodes CPUID leaves into <see cref="CpuInfo"/> (Intel SDM vol. 2A, CPUID).</summary>
public static class CpuIdentification
{
    private const uint VmxBit = 1u << 5;
    private const uint Movdir64bBit = 1u << 28;
    private const uint EnqcmdBit = 1u << 29;

    /// <summary>Identifies the CPU from <paramref name="cpuId"/>; sockets and NUMA nodes come from the caller.</summary>
    public static CpuInfo Decode(Func<uint, uint, CpuIdResult> cpuId, int sockets, int numaNodes)
    {
        ArgumentNullException.ThrowIfNull(cpuId);
        var leaf0 = cpuId(0, 0);
        var vendor = Ascii(leaf0.Ebx, leaf0.Edx, leaf0.Ecx);
        var maxLeaf = leaf0.Eax;

        int family = 0, model = 0, stepping = 0;
        var vmx = false;
        if (maxLeaf >= 1)
        {
            var leaf1 = cpuId(1, 0);
            (family, model, stepping) = Signature(leaf1.Eax);
            vmx = (leaf1.Ecx & VmxBit) != 0;
        }

        bool enqcmd = false, movdir64b = false;
        if (maxLeaf >= 7)
        {
            var leaf7 = cpuId(7, 0);
            enqcmd = (leaf7.Ecx & EnqcmdBit) != 0;
            movdir64b = (leaf7.Ecx & Movdir64bBit) != 0;
        }

        var brand = string.Empty;
        if (cpuId(0x80000000, 0).Eax >= 0x80000004)
        {
            var text = new StringBuilder();
            for (var leaf = 0x80000002u; leaf <= 0x80000004u; leaf++)
            {
                var result = cpuId(leaf, 0);
                text.Append(Ascii(result.Eax, result.Ebx, result.Ecx, result.Edx));
            }

            brand = text.ToString().Trim();
        }

        return new CpuInfo(vendor, family, model, stepping, brand, vmx, enqcmd, movdir64b, sockets, numaNodes);
    }

    /// <summary>Family, model and stepping from CPUID.1:EAX with the extended-family and extended-model rules.</summary>
    public static (int Family, int Model, int Stepping) Signature(uint eax)
    {
        var stepping = (int)(eax & 0xF);
        var baseModel = (int)((eax >> 4) & 0xF);
        var baseFamily = (int)((eax >> 8) & 0xF);
        var extendedModel = (int)((eax >> 16) & 0xF);
        var extendedFamily = (int)((eax >> 20) & 0xFF);
        var family = baseFamily == 0xF ? baseFamily + extendedFamily : baseFamily;
        var model = baseFamily is 0x6 or 0xF ? (extendedModel << 4) + baseModel : baseModel;
        return (family, model, stepping);
    }

    private static string Ascii(params uint[] registers)
    {
        var text = new StringBuilder(registers.Length * 4);
        foreach (var register in registers)
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                var value = unchecked((byte)(register >> shift));
                if (value != 0)
                {
                    text.Append(value is >= 0x20 and < 0x7F ? (char)value : '?');
                }
            }
        }

        return text.ToString();
    }
}
