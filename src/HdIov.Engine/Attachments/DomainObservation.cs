namespace HdIov.Engine.Attachments;

/// <summary>What observation learned about one domain an attachment names.</summary>
public enum DomainStatus
{
    Found,

    /// <summary>libvirt answered, and has no domain of that name.</summary>
    Missing,

    /// <summary>libvirt could not be asked: library missing, daemon down, permission denied.</summary>
    Unreachable,

    /// <summary>A simulated host that does not say which libvirt stands for the URI.</summary>
    NotMapped,
}

/// <summary>
/// One domain named by an attachment or by the ledger: whether it exists and runs, the hostdevs of its persistent
/// definition and (while it runs) of the running guest, or why it could not be read (<see cref="Problem"/>, <see cref="Fix"/>).
/// </summary>
public sealed record DomainObservation(
    string Uri,
    string Name,
    DomainStatus Status,
    bool Active,
    DomainHostdevs Config,
    DomainHostdevs Live,
    string? Problem = null,
    string? Fix = null)
{
    /// <summary>What the persistent definition lacks of a scalable-mode guest vIOMMU, for <c>vm.guestIommu: add</c>; null when not read.</summary>
    public GuestIommuAddition? GuestIommu { get; init; }

    public bool Matches(string uri, string name) => Uri == uri && Name == name;
}
