using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Fleet;

namespace HdIov.PowerShell.Fleet;

/// <summary>
/// The progress records of a rollout, made on the pipeline thread: one parent record for the waves (hosts finished of
/// the fleet) and one child record per host in flight, completed when the host finishes.
/// </summary>
internal sealed class RolloutProgress(string activity, int hosts)
{
    private const int WaveId = 1;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private int _finished;
    private string _wave = string.Empty;

    public ProgressRecord WaveStarted(Wave wave)
    {
        ArgumentNullException.ThrowIfNull(wave);
        _wave = string.Create(CultureInfo.InvariantCulture, $"wave {wave.Number}{(wave.IsCanary ? " (canary)" : string.Empty)}, {wave.Hosts.Length} hosts");
        return Parent();
    }

    public ProgressRecord Host(string host, string what) =>
        new(IdOf(host), host, what) { ParentActivityId = WaveId };

    public ProgressRecord HostFinished(string host)
    {
        _finished++;
        return new ProgressRecord(IdOf(host), host, "finished") { ParentActivityId = WaveId, RecordType = ProgressRecordType.Completed };
    }

    private ProgressRecord Parent() => new(WaveId, activity, string.Create(CultureInfo.InvariantCulture, $"{_wave}; {_finished} of {hosts} hosts finished"))
    {
        PercentComplete = Math.Min(100, _finished * 100 / Math.Max(1, hosts)),
    };

    private int IdOf(string host)
    {
        if (!_ids.TryGetValue(host, out var id))
        {
            id = _ids.Count + 2;
            _ids[host] = id;
        }

        return id;
    }
}
