using CsCheck;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Hardware.Pci;

[Trait("Category", "Simulation")]
[Trait("Category", "Laws")]
public sealed class ConfigSpacePropertyTests
{
    private static readonly byte[] Dsa = ConfigSpaceBuilder.DsaLike().Build();
    private static readonly byte[] Qat = ConfigSpaceBuilder.Qat4xxxLike().Build();

    [Fact]
    public void ParseCapabilities_RandomBlobs_OnlyConfigSpaceFormatExceptionEscapes()
    {
        Gen.Byte.Array[0, 4096].Sample(ParseAllowingOnlyFormatErrors, iter: 3000);
    }

    [Fact]
    public void ParseCapabilities_MutatedRealLayouts_NeverThrow()
    {
        var mutation = Gen.Select(
            Gen.Bool,
            Gen.Int[0, 4095].Array[1, 16],
            Gen.Byte.Array[16],
            Gen.OneOf(64, 256, 4096, 1000));
        mutation.Sample(
            (useDsa, positions, values, length) =>
            {
                var bytes = ((byte[])(useDsa ? Dsa : Qat).Clone())[..length];
                for (var i = 0; i < positions.Length; i++)
                {
                    bytes[positions[i] % length] = values[i];
                }

                var capabilities = ConfigSpace.ParseCapabilities(bytes);
                Assert.All(capabilities.Entries, e => Assert.InRange(e.Offset, 0x40, length - 1));
                _ = new ConfigSpace(bytes).ReadBars();
            },
            iter: 5000);
    }

    [Fact]
    public void ParseCapabilities_ChainPointersOnlyMutated_NeverThrow()
    {
        var pointerBytes = new[] { 0x34, 0x41, 0x81, 0x91, 0x102, 0x103, 0x202, 0x203, 0x222, 0x223, 0x232, 0x233, 0x242, 0x243 };
        Gen.Select(Gen.Int[0, pointerBytes.Length - 1].Array[1, 6], Gen.Byte.Array[6]).Sample(
            (which, values) =>
            {
                var bytes = (byte[])Dsa.Clone();
                for (var i = 0; i < which.Length; i++)
                {
                    bytes[pointerBytes[which[i]]] = values[i];
                }

                var capabilities = ConfigSpace.ParseCapabilities(bytes);
                Assert.True(capabilities.Entries.Length <= 48 + ((4096 - 256) / 8));
            },
            iter: 5000);
    }

    private static void ParseAllowingOnlyFormatErrors(byte[] bytes)
    {
        try
        {
            _ = ConfigSpace.ParseCapabilities(bytes);
            _ = new ConfigSpace(bytes).ReadBars();
        }
        catch (ConfigSpaceFormatException)
        {
            Assert.True(bytes.Length < ConfigSpace.HeaderSize);
        }
    }
}
