namespace HdIov.Engine.Attachments;

/// <summary>
/// One piece of a guest vIOMMU the engine can add to a domain's persistent definition (<c>vm.guestIommu: add</c>) and
/// takes out again on release; the ledger records exactly the pieces it added.
/// </summary>
public enum GuestIommuPart
{
    /// <summary><c>&lt;iommu model='intel'&gt;&lt;driver intremap='on' caching_mode='on'/&gt;&lt;/iommu&gt;</c> under <c>&lt;devices&gt;</c>.</summary>
    Iommu,

    /// <summary><c>&lt;driver intremap='on' caching_mode='on'/&gt;</c> in an <c>&lt;iommu model='intel'&gt;</c> the domain already had.</summary>
    IommuDriver,

    /// <summary><c>intremap='on'</c> on the driver of an IOMMU the domain already had.</summary>
    InterruptRemapping,

    /// <summary><c>caching_mode='on'</c> on the driver of an IOMMU the domain already had.</summary>
    CachingMode,

    /// <summary>The <c>&lt;features&gt;</c> element, for a domain that had none.</summary>
    Features,

    /// <summary><c>&lt;ioapic driver='qemu'/&gt;</c> under <c>&lt;features&gt;</c>: QEMU's split irqchip.</summary>
    Ioapic,

    /// <summary>The <c>&lt;qemu:commandline&gt;</c> element, for a domain that had none.</summary>
    QemuCommandline,

    /// <summary><c>&lt;qemu:arg value='-global'/&gt;&lt;qemu:arg value='intel-iommu.x-scalable-mode=on'/&gt;</c> in <c>&lt;qemu:commandline&gt;</c>.</summary>
    ScalableMode,
}
