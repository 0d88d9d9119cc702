using System.Text.Json.Serialization;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>
/// The hidden state of a simulated host: what the tree alone does not say. <see cref="SimulationStore"/> keeps
/// it in <c>&lt;root&gt;/.hdiov-sim/state.json</c>, except the mdevs, which have one file each.
/// </summary>
internal sealed class SimulationState
{
    public string Profile { get; set; } = string.Empty;

    public int NextIommuGroup { get; set; }

    public List<ParentState> Parents { get; set; } = [];

    /// <summary>Live mdevs by UUID (lower case).</summary>
    [JsonIgnore]
    public Dictionary<string, MdevState> Mdevs { get; } = new(StringComparer.Ordinal);

    /// <summary>The NumberAdis each QAT PF was started with (by PF address); a PF that failed to start is absent.</summary>
    public Dictionary<string, int> QatAdis { get; set; } = [];

    /// <summary>QAT PFs that are down: their last start failed or adf_ctl took them down (by PF address).</summary>
    public List<string> QatDown { get; set; } = [];

    /// <summary>IDs added through a driver's new_id, as "vvvv:dddd" per driver.</summary>
    public Dictionary<string, List<string>> DynamicIds { get; set; } = [];

    /// <summary>BIOS settings as stored by the firmware (written values), by attribute name.</summary>
    public Dictionary<string, string> Firmware { get; set; } = [];

    /// <summary>BIOS settings in effect since the last boot.</summary>
    public Dictionary<string, string> FirmwareBooted { get; set; } = [];
}

/// <summary>A registered mdev parent and its types. Pooled types share <see cref="Budget"/> across <see cref="BudgetGroup"/>; QAT types have a fixed capacity each.</summary>
internal sealed record ParentState(
    string Name,
    string Directory,
    string Driver,
    string BudgetGroup,
    int Budget,
    Errno ExhaustedErrno,
    string? AvailableText,
    bool BlockedBySriov,
    List<TypeState> Types);

internal sealed record TypeState(string Id, string Name, string DeviceApi, int? Capacity, int Cost);

internal sealed record MdevState(string Uuid, string Parent, string Type, int Group);
