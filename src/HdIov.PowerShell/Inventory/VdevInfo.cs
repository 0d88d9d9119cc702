using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>A live mediated device, with its spec name when the engine created it.</summary>
public sealed class VdevInfo
{
    public required Guid Uuid { get; init; }

    public required string Parent { get; init; }

    public required string Type { get; init; }

    public required int? IommuGroup { get; init; }

    /// <summary>The VDEV name from the spec (<c>qat/0/asym/0</c>); empty for devices the engine does not own.</summary>
    public required string? Name { get; init; }

    public required bool Owned { get; init; }

    public static VdevInfo From(MdevDevice mdev, OwnershipLedger ledger)
    {
        var entry = ledger.FindMdev(mdev.Uuid);
        return new VdevInfo
        {
            Uuid = mdev.Uuid,
            Parent = mdev.Parent,
            Type = mdev.Type,
            IommuGroup = mdev.IommuGroup,
            Name = entry?.VdevName,
            Owned = entry is not null,
        };
    }
}
