using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>One VDEV the spec wants on a parent: its name, the kernel's type id, and its UUID.</summary>
internal sealed record DesiredVdev(VdevName Name, string TypeId, Guid Uuid);
