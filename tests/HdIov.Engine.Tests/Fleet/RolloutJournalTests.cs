using HdIov.Engine.Fleet.Rollout;

namespace HdIov.Engine.Tests.Fleet;

/// <summary>
/// The journal costs one appended line per finished host, whatever the fleet's size, and what a kill leaves between
/// two waves (the journal as the wave started, the lines appended since, the last one perhaps cut short) is what a
/// resume needs.
/// </summary>
public sealed class RolloutJournalTests
{
    private static readonly string[] Names = ["lab-1", "lab-2", "lab-3", "lab-4"];

    [Fact]
    public void A_finished_host_appends_one_line_and_leaves_the_journal_as_it_was_until_the_wave_ends()
    {
        using var fleet = new RolloutFleet(Names.Select(n => (n, "mtty-lab", "lab", 2)), "  strategy: { waves: [4], throttle: 1 }\n");
        var journal = fleet.PathOf("journal.json");
        var records = RolloutJournal.RecordsPath(journal);
        var seen = new List<(string Journal, int Records)>();
        var options = fleet.Reports() with
        {
            HostFinished = _ => seen.Add((File.ReadAllText(journal), File.ReadAllLines(records).Length)),
        };

        var summary = fleet.Rollout(options).Run(CancellationToken.None);

        Assert.Equal(RolloutOutcome.Completed, summary.Outcome);
        Assert.Equal([1, 2, 3, 4], seen.Select(s => s.Records));
        Assert.Single(seen.Select(s => s.Journal).Distinct(StringComparer.Ordinal));
        Assert.All(RolloutJournal.Read(journal).Journal!.Hosts, h => Assert.Equal("Converged", h.Status));
        Assert.False(File.Exists(records), "the journal written at the end holds every record");
    }

    [Fact]
    public void What_a_kill_leaves_in_the_middle_of_a_wave_reads_with_its_appended_hosts_and_a_resume_leaves_them_alone()
    {
        using var fleet = new RolloutFleet(Names.Select(n => (n, "mtty-lab", "lab", 2)), "  strategy: { waves: [4], throttle: 1 }\n");
        var journal = fleet.PathOf("journal.json");
        var killed = Directory.CreateDirectory(fleet.PathOf("killed")).FullName;
        var left = Path.Combine(killed, "journal.json");
        var finished = 0;
        var options = fleet.Reports() with
        {
            HostFinished = _ =>
            {
                if (++finished == 2)
                {
                    // The files as a rollout killed now leaves them, and the start of a third line it was writing.
                    File.Copy(journal, left);
                    File.Copy(RolloutJournal.RecordsPath(journal), RolloutJournal.RecordsPath(left));
                    File.AppendAllText(RolloutJournal.RecordsPath(left), """{"rolloutId":"cut""");
                }
            },
        };
        fleet.Rollout(options).Run(CancellationToken.None);
        foreach (var name in Names)
        {
            fleet.Simulated[name].ClearFaults();
        }

        var (read, refusal) = RolloutJournal.Read(left);

        Assert.Null(refusal);
        Assert.Equal("Running", read!.Outcome);
        Assert.Equal(["Converged", "Converged", "Pending", "Pending"], read.Hosts.Select(h => h.Status));
        Assert.Equal(2, read.Sequence);
        var resumed = fleet.Rollout(fleet.Reports() with { Resume = read }).Run(CancellationToken.None);
        Assert.Equal(
            [HostRolloutStatus.Unchanged, HostRolloutStatus.Unchanged, HostRolloutStatus.Unchanged, HostRolloutStatus.Unchanged],
            resumed.Hosts.Select(h => h.Status));
        Assert.All(resumed.Hosts.Take(2), h => Assert.Contains("not contacted", h.Message, StringComparison.Ordinal));
        Assert.All(resumed.Hosts.Skip(2), h => Assert.DoesNotContain("not contacted", h.Message ?? string.Empty, StringComparison.Ordinal));
        Assert.Equal(0, fleet.Writes("lab-1") + fleet.Writes("lab-2"));
    }
}
