using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families.E810;
using HdIov.Engine.Families.GenericMdev;
using HdIov.Engine.Families.Idxd;
using HdIov.Engine.Families.Qat4xxx;

namespace HdIov.Engine.Families;

/// <summary>The device families, in the order they are asked; the generic mdev family takes what no other claims.</summary>
public static class DeviceFamilies
{
    internal static IDeviceFamily Generic { get; } = new GenericMdevFamily();

    internal static ImmutableArray<IDeviceFamily> All { get; } = [new QatFamily(), new IceFamily(), new IdxdFamily(), Generic];

    /// <summary>The family names, as <c>Get-HdIovDevice -Family</c> takes them.</summary>
    public static ImmutableArray<string> Names { get; } = [.. All.Select(f => f.Name)];

    /// <summary>Every family's VDEV keys (the completers offer them).</summary>
    public static ImmutableArray<SpecTypeKey> SpecTypeKeys { get; } = [.. All.SelectMany(f => f.SpecTypeKeys)];

    /// <summary>True when a family offers the service (a device entry's <c>services:</c>).</summary>
    public static bool IsService(string service) => All.Any(f => f.Services.Contains(service));

    /// <summary>The services families offer, for messages.</summary>
    public static ImmutableArray<string> AllServices { get; } = [.. All.SelectMany(f => f.Services)];

    /// <summary>Each family's VDEV keys in one phrase for help and schema text, such as "a, b for F; c for G".</summary>
    public static string VdevKeysPhrase { get; } = string.Join(
        "; ",
        All.Where(f => !f.SpecTypeKeys.IsEmpty).Select(f => $"{string.Join(", ", f.SpecTypeKeys.Select(k => k.Key))} for {f.Name}"));

    /// <summary>The families whose PF configuration enables services, in one phrase for help and schema text.</summary>
    public static string ServiceFamiliesPhrase { get; } = string.Join(" and ", All.Where(f => !f.Services.IsEmpty).Select(f => f.Name));

    /// <summary>The name of the family that drives the function.</summary>
    public static string NameOf(PciFunction function) => Of(function).Name;

    /// <summary>The name of the family that drives the parent (a PF, or a non-PCI parent).</summary>
    public static string NameOf(PciFunction? function, string? typeId) => (function is not null ? Of(function) : OfType(typeId) ?? Generic).Name;

    /// <summary>The spec's VDEV key for an mdev type id, as its family writes it (a generic parent's type id is its own key).</summary>
    public static string SpecKeyOf(string typeId) => (OfType(typeId) ?? Generic).SpecKeyOf(typeId);

    /// <summary>True when the PF's family has it configured for VDEVs even while it has none (the inventory's <c>siov</c> mode).</summary>
    public static bool IsConfiguredForVdevs(HostState state, PciFunction function) => Of(function).IsConfiguredForVdevs(state, function);

    internal static IDeviceFamily Of(PciFunction? function)
    {
        if (function is null || function.IsVirtualFunction)
        {
            return Generic;
        }

        foreach (var family in All)
        {
            if (family.Claims(function))
            {
                return family;
            }
        }

        return Generic;
    }

    /// <summary>The family whose driver registers the mdev type, or null for a generic parent's type.</summary>
    internal static IDeviceFamily? OfType(string? typeId) =>
        typeId is null ? null : All.FirstOrDefault(f => !ReferenceEquals(f, Generic) && f.OffersType(typeId));

    /// <summary>The PFs a family claims, in address order (drivers that number their devices do so in probe order).</summary>
    internal static List<PciFunction> PhysicalFunctions(HostState state, IDeviceFamily family) =>
        [.. state.Functions.Where(f => !f.IsVirtualFunction && ReferenceEquals(Of(f), family)).OrderBy(f => f.Address)];
}
