using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>
/// The host writes counted and the faults planned, <c>&lt;root&gt;/.hdiov-sim/writes.json</c>. It is small,
/// so every counted write rewrites it; it also carries the stamp of the model state last saved.
/// </summary>
internal sealed class WriteCounter
{
    public int WriteCount { get; set; }

    public List<FaultEntry> Faults { get; set; } = [];

    /// <summary>Write numbers (counted as <see cref="WriteCount"/>) that wait for <see cref="SimulatedHost.ResumeWrites"/> first.</summary>
    public List<int> Pauses { get; set; } = [];

    /// <summary>Changes whenever <see cref="SimulationState"/> is saved, so a process can tell whether its cached copy is current.</summary>
    public string ModelStamp { get; set; } = string.Empty;

    /// <summary>Counts one host write and returns (and consumes) the fault planned for it, if any.</summary>
    public FaultEntry? Count()
    {
        WriteCount++;
        var fault = Faults.FirstOrDefault(f => WriteCount - f.InjectedAtCount == f.AtWrite);
        if (fault is not null)
        {
            Faults.Remove(fault);
        }

        return fault;
    }

    /// <summary>Whether the write just counted is to wait; consumes the pause.</summary>
    public bool PauseDue() => Pauses.Remove(WriteCount);
}

internal sealed record FaultEntry(int AtWrite, Errno Errno, bool Crash, int InjectedAtCount);
