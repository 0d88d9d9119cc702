namespace HdIov.Engine.Fleet.Rollout;

/// <summary>What a front gives a <see cref="FleetRollout"/>: who it is, where its reports go, what it resumes, and how it hears of progress.</summary>
public sealed record FleetRolloutOptions
{
    /// <summary>Who holds the hosts' rollout locks, as a second rollout's error names it (user, machine, process, rollout id).</summary>
    public string? Holder { get; init; }

    /// <summary>The JSON journal, written atomically at the start, after every wave and at the end, each finished host appended to its records in between; none when null.</summary>
    public string? JournalPath { get; init; }

    /// <summary>The JUnit XML report, rewritten after every wave and at the end; none when null.</summary>
    public string? JUnitPath { get; init; }

    /// <summary>The Markdown summary, rewritten after every wave and at the end; none when null.</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>The journal of the rollout this one resumes: its hosts done under the same spec hash are not contacted.</summary>
    public RolloutJournal? Resume { get; init; }

    /// <summary>Asked before each wave starts (a front's ShouldProcess); false stops the rollout as declined.</summary>
    public Func<Wave, bool>? ConfirmWave { get; init; }

    /// <summary>Told when a wave starts, with its hosts.</summary>
    public Action<Wave>? WaveStarted { get; init; }

    /// <summary>Told what a host is doing (connecting, planning, converging, rebooting, checking health), from the host's worker thread.</summary>
    public Action<RolloutHost, string>? HostActivity { get; init; }

    /// <summary>Told each host's result as it finishes (again when a later pre-wave health check fails it), from a worker thread.</summary>
    public Action<HostRolloutResult>? HostFinished { get; init; }

    /// <summary>Waits between waves and between boot-id polls; tests replace it.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    /// <summary>How often a rebooting host's boot id is read.</summary>
    public TimeSpan BootPollInterval { get; init; } = TimeSpan.FromSeconds(2);
}
