namespace HdIov.Engine.Discovery;

/// <summary>Which mdev types are Scalable IOV VDEVs of a device family (they need PASID on the IOMMU) and which are generic mediated devices.</summary>
public static class MdevTypeKinds
{
    /// <summary>The types a device family's SIOV driver registers are PASID-tagged; a generic parent's are not.</summary>
    public static bool NeedsPasid(string typeId)
    {
        ArgumentNullException.ThrowIfNull(typeId);
        return Families.DeviceFamilies.OfType(typeId) is not null;
    }

    public static bool NeedsPasid(MdevParent parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Types.Any(t => NeedsPasid(t.Id));
    }
}
