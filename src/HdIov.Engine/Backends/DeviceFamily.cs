namespace HdIov.Engine.Backends;

/// <summary>The device families the engine knows specifically; everything else is handled generically.</summary>
public enum DeviceFamily
{
    /// <summary>Any mdev parent or SR-IOV PF, driven only through the kernel's generic ABI.</summary>
    Generic,

    /// <summary>Intel QAT 4xxx (QAT 2.0) PFs: SIOV ADIs configured through the out-of-tree driver's config files.</summary>
    Qat4xxx,

    /// <summary>Intel E810 ports: SIOV through the out-of-tree ice driver's <c>ice-vdcm</c> mdev type.</summary>
    E810,
}
