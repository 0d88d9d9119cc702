using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Tests.Testing;

/// <summary>A real rooted host whose CPUID answers come from a table, to observe a fake tree as a given CPU.</summary>
public sealed class CpuIdHost(IHost inner, IReadOnlyDictionary<(uint Leaf, uint Subleaf), CpuIdResult> leaves, KernelRelease? kernel = null) : DelegatingHost(inner)
{
    public override KernelRelease KernelRelease => kernel ?? Inner.KernelRelease;

    /// <summary>A Xeon Gold 6448H (Sapphire Rapids, family 6 model 0x8F stepping 8) with VMX, ENQCMD and MOVDIR64B.</summary>
    public static IReadOnlyDictionary<(uint, uint), CpuIdResult> SapphireRapids(bool enqcmd = true)
    {
        var leaves = new Dictionary<(uint, uint), CpuIdResult>
        {
            [(0, 0)] = new(0x20, 0x756e6547, 0x6c65746e, 0x49656e69),
            [(1, 0)] = new(0x000806F8, 0, 1u << 5, 0),
            [(7, 0)] = new(0, 0, (enqcmd ? 1u << 29 : 0) | (1u << 28), 0),
            [(0x80000000, 0)] = new(0x80000008, 0, 0, 0),
        };
        var brand = Encoding.ASCII.GetBytes("Intel(R) Xeon(R) Gold 6448H".PadRight(48, '\0'));
        for (var i = 0; i < 3; i++)
        {
            uint Word(int index) => BitConverter.ToUInt32(brand, (i * 16) + (index * 4));
            leaves[(0x80000002u + (uint)i, 0)] = new(Word(0), Word(1), Word(2), Word(3));
        }

        return leaves;
    }

    public override CpuIdResult CpuId(uint leaf, uint subleaf) => leaves.TryGetValue((leaf, subleaf), out var result) ? result : default;
}
