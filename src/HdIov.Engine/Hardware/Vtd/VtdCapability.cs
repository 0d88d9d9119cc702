namespace HdIov.Engine.Hardware.Vtd;

/// <summary>The VT-d CAP register decoded (drivers/iommu/intel/iommu.h <c>cap_*</c>).</summary>
public readonly record struct VtdCapability(ulong Raw)
{
    public int NumberOfDomainsField => (int)(Raw & 7);

    /// <summary>2^(4 + 2·ND) domain IDs.</summary>
    public long Domains => 1L << (4 + (2 * NumberOfDomainsField));

    public bool AdvancedFaultLogging => Bit(3);

    public bool RequiredWriteBufferFlushing => Bit(4);

    public bool ProtectedLowMemory => Bit(5);

    public bool ProtectedHighMemory => Bit(6);

    public bool CachingMode => Bit(7);

    public int SupportedAdjustedGuestAddressWidths => (int)((Raw >> 8) & 0x1f);

    public int MaxGuestAddressWidth => (int)((Raw >> 16) & 0x3f) + 1;

    public bool ZeroLengthRead => Bit(22);

    public bool Isochrony => Bit(23);

    public int FaultRecordingRegisterOffset => (int)((Raw >> 24) & 0x3ff) * 16;

    public int SuperPageSupport => (int)((Raw >> 34) & 0xf);

    public bool PageSelectiveInvalidation => Bit(39);

    public int NumberOfFaultRecordingRegisters => (int)((Raw >> 40) & 0xff) + 1;

    public int MaxAddressMaskValue => (int)((Raw >> 48) & 0x3f);

    public bool WriteDraining => Bit(54);

    public bool ReadDraining => Bit(55);

    public bool FirstLevel1GiBPages => Bit(56);

    public bool PostedInterrupts => Bit(59);

    public bool FirstLevel5LevelPaging => Bit(60);

    public bool EnhancedCommand => Bit(61);

    public bool EnhancedSetInterruptRemapTablePointer => Bit(62);

    public bool EnhancedSetRootTablePointer => Bit(63);

    private bool Bit(int index) => ((Raw >> index) & 1) != 0;
}
