using HdIov.Engine.Families;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Planning;

/// <summary>One PF (or non-PCI mdev parent) chosen by a device entry, with its ordinal among the entry's choices.</summary>
internal sealed record SplitTarget(
    DeviceSpec Entry,
    int EntryIndex,
    int PfOrdinal,
    string ParentName,
    PciFunction? Function,
    IDeviceFamily Family)
{
    public string Address => $"{Entry.Name}/{PfOrdinal}";

    public string Label => Function is null ? $"{Address} ({ParentName})" : $"{Address} ({Function.Address})";

    public string KeyPath => $"spec.devices[{EntryIndex}]";
}
