using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class CpuIdentificationTests
{
    [Theory]
    [InlineData(0x000806F8u, 6, 0x8F, 8)]
    [InlineData(0x000C06F2u, 6, 0xCF, 2)]
    [InlineData(0x000606A6u, 6, 0x6A, 6)]
    [InlineData(0x00A20F12u, 0x19, 0x21, 2)]
    [InlineData(0x00000F29u, 0xF, 0x2, 9)]
    [InlineData(0x00000543u, 5, 4, 3)]
    public void Signature_AppliesExtendedFamilyAndModelRules(uint eax, int family, int model, int stepping)
    {
        Assert.Equal((family, model, stepping), CpuIdentification.Signature(eax));
    }

    [Fact]
    public void Decode_LowMaxLeaf_DoesNotReadLeafSeven()
    {
        var info = CpuIdentification.Decode(
            (leaf, _) => leaf switch
            {
                0 => new(1, 0x756e6547, 0x6c65746e, 0x49656e69),
                1 => new(0x000806F8, 0, 1u << 5, 0),
                7 => new(0, 0, uint.MaxValue, 0),
                _ => default,
            },
            sockets: 1,
            numaNodes: 1);

        Assert.Equal("GenuineIntel", info.Vendor);
        Assert.True(info.Vmx);
        Assert.False(info.Enqcmd);
        Assert.Equal(string.Empty, info.ModelName);
    }
}
