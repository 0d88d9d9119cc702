namespace HdIov.Engine.Planning;

/// <summary>
/// A request to create <see cref="Count"/> VDEVs of <see cref="Type"/> on one parent (a PF's PCI address or a
/// non-PCI parent such as <c>mtty</c>), as a script asks for it. <see cref="Type"/> is the parent's mdev type id, or
/// for QAT also the service (<c>sym</c>, <c>asym</c>, <c>dc</c>). <see cref="Name"/> names the VDEV (with several,
/// <c>name-0</c>, <c>name-1</c>, ...); without it the names are <c>&lt;type&gt;-&lt;n&gt;</c> with the lowest free n.
/// </summary>
public sealed record VdevCreateRequest(string Parent, string Type, int Count = 1, string? Name = null, Guid? Uuid = null)
{
    public const int MaxCount = 4096;
}
