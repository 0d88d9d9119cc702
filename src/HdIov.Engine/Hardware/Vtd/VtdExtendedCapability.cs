namespace HdIov.Engine.Hardware.Vtd;

/// <summary>
/// The VT-d ECAP register decoded bit by bit (drivers/iommu/intel/iommu.h <c>ecap_*</c>). Scalable IOV needs
/// <see cref="ScalableMode"/> (SMTS) and <see cref="Pasid"/> on every unit.
/// </summary>
public readonly record struct VtdExtendedCapability(ulong Raw)
{
    public bool Coherent => Bit(0);

    public bool QueuedInvalidation => Bit(1);

    public bool DeviceTlb => Bit(2);

    public bool InterruptRemapping => Bit(3);

    public bool ExtendedInterruptMode => Bit(4);

    public bool PassThrough => Bit(6);

    public bool SnoopControl => Bit(7);

    public int IotlbOffset => (int)((Raw >> 8) & 0x3ff) * 16;

    public int MaxHandleMask => (int)((Raw >> 20) & 0xf);

    public bool MemoryTypeSupport => Bit(25);

    public bool Nested => Bit(26);

    public bool LegacyPasid => Bit(28);

    public bool PageRequest => Bit(29);

    public bool ExecuteRequest => Bit(30);

    public bool SupervisorRequest => Bit(31);

    public bool NoWriteFlag => Bit(33);

    public bool ExtendedAccessedFlag => Bit(34);

    /// <summary>PSS: the PASID width is <c>PasidSizeSupported + 1</c> bits.</summary>
    public int PasidSizeSupported => (int)((Raw >> 35) & 0x1f);

    public int PasidWidth => PasidSizeSupported + 1;

    public bool Pasid => Bit(40);

    public bool DeviceTlbInvalidationThrottle => Bit(41);

    public bool PageRequestDrain => Bit(42);

    public bool ScalableMode => Bit(43);

    public bool VirtualCommand => Bit(44);

    public bool SecondLevelAccessedDirty => Bit(45);

    public bool SecondLevelTranslation => Bit(46);

    public bool FirstLevelTranslation => Bit(47);

    public bool ScalableModePageWalkCoherency => Bit(48);

    public bool RidPasid => Bit(49);

    public bool PerformanceMonitoring => Bit(51);

    private bool Bit(int index) => ((Raw >> index) & 1) != 0;
}
