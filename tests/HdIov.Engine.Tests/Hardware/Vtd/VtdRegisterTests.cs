using HdIov.Engine.Hardware.Vtd;

namespace HdIov.Engine.Tests.Hardware.Vtd;

[Trait("Category", "Simulation")]
public sealed class VtdRegisterTests
{
    [Fact]
    public void ExtendedCapability_SprPasidOffCapture_HasScalableModeButNoPasid()
    {
        var ecap = new VtdExtendedCapability(0x3ee9e86f050df);

        Assert.True(ecap.ScalableMode);
        Assert.False(ecap.Pasid);
        Assert.False(ecap.PageRequest);
        Assert.False(ecap.ExecuteRequest);
        Assert.Equal(19, ecap.PasidSizeSupported);
        Assert.Equal(20, ecap.PasidWidth);
        Assert.True(ecap.Coherent && ecap.QueuedInvalidation && ecap.DeviceTlb && ecap.InterruptRemapping);
        Assert.True(ecap.ExtendedInterruptMode && ecap.PassThrough && ecap.SnoopControl);
        Assert.True(ecap.MemoryTypeSupport && ecap.Nested && ecap.SupervisorRequest && ecap.NoWriteFlag && ecap.ExtendedAccessedFlag);
        Assert.True(ecap.DeviceTlbInvalidationThrottle && ecap.PageRequestDrain);
        Assert.True(ecap.SecondLevelAccessedDirty && ecap.SecondLevelTranslation && ecap.FirstLevelTranslation);
        Assert.True(ecap.ScalableModePageWalkCoherency && ecap.RidPasid);
    }

    [Fact]
    public void ExtendedCapability_PasidBitSet_ReportsPasid()
    {
        Assert.True(new VtdExtendedCapability(0x3ee9e86f050df | (1UL << 40)).Pasid);
    }

    [Fact]
    public void Capability_M50fcpCapture_DecodesDocumentedFields()
    {
        var cap = new VtdCapability(0x19ed008c40780c66);

        Assert.True(cap.FirstLevel5LevelPaging);
        Assert.True(cap.PostedInterrupts);
        Assert.True(cap.FirstLevel1GiBPages);
        Assert.True(cap.PageSelectiveInvalidation);
        Assert.Equal(57, cap.MaxGuestAddressWidth);
        Assert.Equal(0b01100, cap.SupportedAdjustedGuestAddressWidths);
        Assert.Equal(6, cap.NumberOfDomainsField);
        Assert.Equal(65536, cap.Domains);
        Assert.False(cap.CachingMode);
    }

    [Fact]
    public void Capability_IrTableCapture_HasNoFiveLevelPaging()
    {
        var cap = new VtdCapability(0x9ed008c40780466);

        Assert.False(cap.FirstLevel5LevelPaging);
        Assert.Equal(0b00100, cap.SupportedAdjustedGuestAddressWidths);
        Assert.Equal(65536, cap.Domains);
    }
}
