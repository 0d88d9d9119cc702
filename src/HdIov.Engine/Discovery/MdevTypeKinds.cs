namespace HdIov.Engine.Discovery;

/// <summary>Which mdev types are Scalable IOV ADIs (they need PASID on the IOMMU) and which are generic mediated devices.</summary>
public static class MdevTypeKinds
{
    /// <summary>QAT vQAT ADIs (<c>4xxx-vqat_*</c>), E810 <c>ice-vdcm</c> and idxd work queues are PASID-tagged.</summary>
    public static bool NeedsPasid(string typeId)
    {
        ArgumentNullException.ThrowIfNull(typeId);
        return typeId.Contains("-vqat_", StringComparison.Ordinal)
            || typeId.EndsWith("-vdcm", StringComparison.Ordinal)
            || typeId.StartsWith("idxd-", StringComparison.Ordinal);
    }

    public static bool NeedsPasid(MdevParent parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Types.Any(t => NeedsPasid(t.Id));
    }
}
