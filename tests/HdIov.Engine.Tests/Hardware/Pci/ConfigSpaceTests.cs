using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Hardware.Pci;

[Trait("Category", "Simulation")]
public sealed class ConfigSpaceTests
{
    [Fact]
    public void Header_DsaLikeFunction_ReadsIdentity()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build();
        var space = new ConfigSpace(bytes);

        Assert.Equal(0x8086, space.VendorId);
        Assert.Equal(0x0b25, space.DeviceId);
        Assert.Equal(0x088000u, space.ClassCode);
        Assert.Equal(1, space.Revision);
        Assert.Equal(0, space.HeaderType);
        Assert.Equal(0x8086, space.SubsystemVendorId);
        Assert.True(space.HasCapabilityList);
        Assert.True(space.HasExtendedSpace);
    }

    [Fact]
    public void ReadBars_SixtyFourBitPrefetchableBar_CombinesBothHalves()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Bar(2, 0xfe001000).Bar(4, 0x0000e001).Build();

        var bars = new ConfigSpace(bytes).ReadBars();

        Assert.Collection(
            bars,
            bar => Assert.Equal(new PciBar(0, 0xc0_d0000000, IsIo: false, Is64Bit: true, Prefetchable: true), bar),
            bar => Assert.Equal(new PciBar(2, 0xfe001000, IsIo: false, Is64Bit: false, Prefetchable: false), bar),
            bar => Assert.Equal(new PciBar(4, 0xe000, IsIo: true, Is64Bit: false, Prefetchable: false), bar));
    }

    [Fact]
    public void ReadCapabilities_DsaLikeCapture_DecodesDvsecAtsPasidPri()
    {
        var capabilities = ConfigSpace.ParseCapabilities(ConfigSpaceBuilder.DsaLike().Build());

        Assert.Equal(
            [(0x10, 0x40, false), (0x11, 0x80, false), (0x01, 0x90, false),
             (0x01, 0x100, true), (0x18, 0x150, true), (0x17, 0x160, true), (0x02, 0x170, true),
             (0x23, 0x200, true), (0x0F, 0x220, true), (0x1B, 0x230, true), (0x13, 0x240, true)],
            capabilities.Entries.Select(e => ((int)e.Id, e.Offset, e.Extended)));
        Assert.Equal(2, capabilities.Find(0x01, extended: true)!.Version);
        Assert.Equal(new PasidCapability(0x230, MaxPasidWidth: 20, ExecutePermission: false, PrivilegedMode: true, Enabled: true), capabilities.Pasid);
        Assert.Equal(new AtsCapability(0x220, InvalidateQueueDepth: 32, Enabled: true), capabilities.Ats);
        Assert.Equal(new PriCapability(0x240, OutstandingPageRequestCapacity: 0x200, Enabled: false), capabilities.Pri);
        Assert.Equal(
            new SiovDvsec(0x200, Revision: 0, Length: 24, FunctionDependencyLink: 0, Homogeneous: true, SupportedPageSizes: 0x553, SystemPageSize: 1, ImsSupported: true),
            capabilities.Siov);
        Assert.Null(capabilities.Sriov);
        Assert.Empty(capabilities.Warnings);
    }

    [Fact]
    public void ReadCapabilities_QatPf_DecodesSriovFields()
    {
        var capabilities = ConfigSpace.ParseCapabilities(ConfigSpaceBuilder.Qat4xxxLike().Build());

        Assert.Equal(new SriovCapability(0x150, InitialVfs: 16, TotalVfs: 16, NumVfs: 0, FirstVfOffset: 1, VfStride: 1, VfDeviceId: 0x4941), capabilities.Sriov);
        Assert.Equal(20, capabilities.Pasid!.MaxPasidWidth);
        Assert.False(capabilities.Pasid.Enabled);
        Assert.NotNull(capabilities.Siov);
    }

    [Theory]
    [InlineData(64, 0)]
    [InlineData(256, 3)]
    public void ReadCapabilities_ShortReads_GiveStandardChainOnly(int size, int expectedStandard)
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build()[..size];

        var capabilities = ConfigSpace.ParseCapabilities(bytes);

        Assert.Equal(expectedStandard, capabilities.Entries.Count(e => !e.Extended));
        Assert.DoesNotContain(capabilities.Entries, e => e.Extended);
        Assert.Null(capabilities.Pasid);
        Assert.Null(capabilities.Siov);
    }

    [Fact]
    public void ReadCapabilities_HeaderOnly_SaysCapabilitiesAreNotVisible()
    {
        var capabilities = ConfigSpace.ParseCapabilities(ConfigSpaceBuilder.DsaLike().Build().AsSpan(0, 64));

        Assert.Contains(capabilities.Warnings, w => w.Contains("64-byte header", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    public void Constructor_ShorterThanHeader_ThrowsConfigSpaceFormatException(int size)
    {
        var bytes = new byte[size];

        var error = Assert.Throws<ConfigSpaceFormatException>(() => ConfigSpace.ParseCapabilities(bytes));
        Assert.Contains("64-byte header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCapabilities_StandardChainPointsToItself_StopsWithWarning()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build();
        bytes[0x91] = 0x40;

        var capabilities = ConfigSpace.ParseCapabilities(bytes);

        Assert.Equal(3, capabilities.Entries.Count(e => !e.Extended));
        Assert.Contains(capabilities.Warnings, w => w.Contains("loops at 0x40", StringComparison.Ordinal));
        Assert.NotNull(capabilities.Pasid);
    }

    [Fact]
    public void ReadCapabilities_ExtendedChainLoops_StopsWithWarning()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build();
        bytes[0x243] = 0x20;
        bytes[0x242] = (byte)((bytes[0x242] & 0x0F) | 0x00);

        var capabilities = ConfigSpace.ParseCapabilities(bytes);

        Assert.Equal(8, capabilities.Entries.Count(e => e.Extended));
        Assert.Contains(capabilities.Warnings, w => w.Contains("loops at 0x200", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadCapabilities_ExtendedPointerBackIntoConventionalSpace_Stops()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build();
        bytes[0x223] = 0x04;
        bytes[0x222] &= 0x0F;

        var capabilities = ConfigSpace.ParseCapabilities(bytes);

        Assert.Null(capabilities.Pasid);
        Assert.NotNull(capabilities.Ats);
        Assert.Contains(capabilities.Warnings, w => w.Contains("conventional space", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadCapabilities_CapabilityCutOffByEnd_IsSkippedWithWarning()
    {
        var bytes = new ConfigSpaceBuilder(0x8086, 0x1234, 0).Build();
        bytes[0x100] = 0x01;
        bytes[0x102] = 0xC1;
        bytes[0x103] = 0xFF;
        bytes[0xFFC] = 0x1B;
        bytes[0xFFE] = 0x01;

        var capabilities = ConfigSpace.ParseCapabilities(bytes);

        Assert.Null(capabilities.Pasid);
        Assert.Contains(capabilities.Warnings, w => w.Contains("cut off", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadCapabilities_StatusWithoutCapabilityBit_IgnoresPointer()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build()[..256];
        bytes[0x06] = 0;

        Assert.Empty(ConfigSpace.ParseCapabilities(bytes).Entries);
    }

    [Fact]
    public void ReadCapabilities_DvsecOfAnotherVendor_IsNotSiov()
    {
        var bytes = ConfigSpaceBuilder.DsaLike().Build();
        bytes[0x204] = 0xE5;
        bytes[0x205] = 0x1D;

        var capabilities = ConfigSpace.ParseCapabilities(bytes);

        Assert.Null(capabilities.Siov);
        Assert.Contains(capabilities.Entries, e => e.Id == 0x23 && e.Extended);
    }
}
