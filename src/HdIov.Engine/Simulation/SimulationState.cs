using System.Text.Json;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>The hidden state of a simulated host, <c>&lt;root&gt;/.hdiov-sim/state.json</c>: what the tree alone does not say.</summary>
internal sealed class SimulationState
{
    public string Profile { get; set; } = string.Empty;

    public int WriteCount { get; set; }

    public List<FaultEntry> Faults { get; set; } = [];

    public int NextIommuGroup { get; set; }

    public List<ParentState> Parents { get; set; } = [];

    public List<MdevState> Mdevs { get; set; } = [];

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

    public static SimulationState Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), SimulationJsonContext.Default.SimulationState)
            ?? throw new InvalidDataException($"simulated host state {path} is empty");

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, SimulationJsonContext.Default.SimulationState));
        File.Move(temporary, path, overwrite: true);
    }
}

internal sealed record FaultEntry(int AtWrite, Errno Errno, bool Crash, int InjectedAtCount);

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
