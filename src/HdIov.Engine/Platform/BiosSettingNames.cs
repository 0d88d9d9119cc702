using System.Collections.Frozen;

namespace HdIov.Engine.Platform;

/// <summary>
/// Vendor-neutral BIOS switches and the attribute names vendors use for them (Dell, HPE, Lenovo, Intel reference
/// BIOS), and the spellings of "enabled"/"disabled" their enumerations use.
/// </summary>
public static class BiosSettingNames
{
    public static readonly FrozenDictionary<string, string[]> Candidates = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["virtualization"] = ["ProcVirtualization", "Processors_IntelVirtualizationTechnology", "ProcessorVmxEnable"],
        ["vtd"] = ["IntelProcVtd", "VTdSupport", "Processors_IntelVTforDirectedIOVTd"],
        ["sriov"] = ["SriovGlobalEnable", "Sriov"],
        ["x2apic"] = ["ProcX2Apic", "ProcessorX2apic"],
        ["enqcmd"] = ["PcieEnqCmdSupport"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] EnabledSpellings = ["Enabled", "Enable", "On", "0x1", "1", "True"];
    private static readonly string[] DisabledSpellings = ["Disabled", "Disable", "Off", "0x0", "0", "False"];

    /// <summary>The attribute's own spelling of a neutral value (<c>enabled</c>/<c>disabled</c>), or the value itself for raw attributes.</summary>
    public static string? Spell(string value, IReadOnlyCollection<string> possibleValues)
    {
        var spellings = value.ToLowerInvariant() switch
        {
            "enabled" => EnabledSpellings,
            "disabled" => DisabledSpellings,
            _ => [value],
        };

        if (possibleValues.Count == 0)
        {
            return spellings[0];
        }

        return spellings.Select(s => possibleValues.FirstOrDefault(p => string.Equals(p, s, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(p => p is not null);
    }

    /// <summary>
    /// A neutral value spelled the way an attribute's current value is (<c>0x0</c> gives <c>0x1</c> for enabled,
    /// <c>Disabled</c> gives <c>Enabled</c>), for services that publish no attribute registry; null when the
    /// current value is no known spelling of a switch. Raw values are returned unchanged.
    /// </summary>
    public static string? SpellLike(string value, string current)
    {
        var wanted = value.ToLowerInvariant() switch
        {
            "enabled" => EnabledSpellings,
            "disabled" => DisabledSpellings,
            _ => null,
        };
        if (wanted is null)
        {
            return value;
        }

        var index = Array.FindIndex(EnabledSpellings, s => string.Equals(s, current, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            index = Array.FindIndex(DisabledSpellings, s => string.Equals(s, current, StringComparison.OrdinalIgnoreCase));
        }

        return index < 0 ? null : wanted[index];
    }
}
