using System.Text;
using System.Text.Json;
using HdIov.Engine.Host;

namespace HdIov.Engine.Simulation;

/// <summary>
/// Keeps a simulated host's hidden state under <c>.hdiov-sim/</c>: <see cref="WriteCounter"/> in
/// <c>writes.json</c>, <see cref="SimulationState"/> in <c>state.json</c> with one file per mdev in
/// <c>mdevs/</c>. Every transaction holds the kernel flock. The model state stays cached in memory and is
/// re-read only when the counter's stamp shows that another process (or another <see cref="SimulatedHost"/>)
/// saved it; saving writes only the files whose content changed, so a write costs the same however many
/// mdevs exist.
/// </summary>
internal sealed class SimulationStore
{
    private const string StatePath = TreeBuilder.StateDirectory + "/state.json";
    private const string CounterPath = TreeBuilder.StateDirectory + "/writes.json";
    private const string MdevsPath = TreeBuilder.StateDirectory + "/mdevs";
    private const string KernelLockPath = TreeBuilder.StateDirectory + "/kernel.lock";
    private static readonly TimeSpan KernelLockTimeout = TimeSpan.FromSeconds(60);

    // Threads of this process queue here rather than polling the flock; the cache below is only touched under it.
    private readonly Lock _gate = new();

    private SimulationState? _cached;
    private string _cachedStamp = string.Empty;
    private string _savedStateJson = string.Empty;
    private Dictionary<string, MdevState> _savedMdevs = new(StringComparer.Ordinal);

    public SimulationStore(RootedFileSystem files) => Files = files;

    public RootedFileSystem Files { get; }

    public static bool Exists(string root) => File.Exists(root.TrimEnd('/') + StatePath);

    /// <summary>Writes the state of a host not yet booted: no writes counted, no faults, no mdevs.</summary>
    public void Initialise(string profile)
    {
        Directory.CreateDirectory(Files.Physical(MdevsPath));
        Overwrite(Files.Physical(StatePath), Serialize(new SimulationState { Profile = profile }));
        Overwrite(Files.Physical(CounterPath), Serialize(new WriteCounter { ModelStamp = NewStamp() }));
    }

    /// <summary>
    /// Runs <paramref name="action"/> under the kernel lock and saves what it changed, also when it throws.
    /// The model state is loaded only if the action asks for it.
    /// </summary>
    public T Transact<T>(Func<SimulationTransaction, T> action)
    {
        lock (_gate)
        {
            using var kernelLock = FileLock.Acquire(Files, KernelLockPath, KernelLockTimeout, () => DateTimeOffset.UtcNow, CancellationToken.None);
            var counter = JsonSerializer.Deserialize(File.ReadAllText(Files.Physical(CounterPath)), SimulationJsonContext.Default.WriteCounter)
                ?? throw new InvalidDataException($"simulated host write counter {Files.Physical(CounterPath)} is empty");
            var counterJson = Serialize(counter);
            var transaction = new SimulationTransaction(counter, () => CurrentState(counter.ModelStamp));
            try
            {
                return action(transaction);
            }
            finally
            {
                Save(transaction, counterJson);
            }
        }
    }

    private SimulationState CurrentState(string stamp)
    {
        if (_cached is not null && _cachedStamp == stamp)
        {
            return _cached;
        }

        _cached = null;
        var state = JsonSerializer.Deserialize(File.ReadAllText(Files.Physical(StatePath)), SimulationJsonContext.Default.SimulationState)
            ?? throw new InvalidDataException($"simulated host state {Files.Physical(StatePath)} is empty");
        var mdevs = new Dictionary<string, MdevState>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Files.Physical(MdevsPath)))
        {
            var mdev = JsonSerializer.Deserialize(File.ReadAllText(file), SimulationJsonContext.Default.MdevState)
                ?? throw new InvalidDataException($"simulated mdev record {file} is empty");
            mdevs.Add(mdev.Uuid, mdev);
            state.Mdevs.Add(mdev.Uuid, mdev);
        }

        _savedStateJson = Serialize(state);
        _savedMdevs = mdevs;
        _cachedStamp = stamp;
        _cached = state;
        return state;
    }

    private void Save(SimulationTransaction transaction, string counterJson)
    {
        try
        {
            if (transaction.StateLoaded)
            {
                SaveState(transaction.State, transaction.Counter);
            }
        }
        finally
        {
            var updated = Serialize(transaction.Counter);
            if (updated != counterJson)
            {
                Overwrite(Files.Physical(CounterPath), updated);
            }
        }
    }

    /// <summary>Writes the changed parts of the cached state under a new stamp; if that fails halfway, the cache is dropped and the stamp still changes.</summary>
    private void SaveState(SimulationState state, WriteCounter counter)
    {
        var json = Serialize(state);
        var removed = _savedMdevs.Values.Where(m => state.Mdevs.GetValueOrDefault(m.Uuid) != m).ToList();
        var added = state.Mdevs.Values.Where(m => _savedMdevs.GetValueOrDefault(m.Uuid) != m).ToList();
        if (json == _savedStateJson && removed.Count == 0 && added.Count == 0)
        {
            return;
        }

        _cached = null;
        counter.ModelStamp = NewStamp();
        if (json != _savedStateJson)
        {
            Overwrite(Files.Physical(StatePath), json);
            _savedStateJson = json;
        }

        foreach (var mdev in removed)
        {
            File.Delete(MdevFile(mdev.Uuid));
            _savedMdevs.Remove(mdev.Uuid);
        }

        foreach (var mdev in added)
        {
            Overwrite(MdevFile(mdev.Uuid), JsonSerializer.Serialize(mdev, SimulationJsonContext.Default.MdevState));
            _savedMdevs.Add(mdev.Uuid, mdev);
        }

        _cachedStamp = counter.ModelStamp;
        _cached = state;
    }

    private string MdevFile(string uuid) => Files.Physical($"{MdevsPath}/{uuid}");

    private static string Serialize(SimulationState state) => JsonSerializer.Serialize(state, SimulationJsonContext.Default.SimulationState);

    private static string Serialize(WriteCounter counter) => JsonSerializer.Serialize(counter, SimulationJsonContext.Default.WriteCounter);

    private static string NewStamp() => Guid.NewGuid().ToString("n");

    /// <summary>
    /// Replaces a small file's content with one write at offset 0, padded with spaces over longer old content
    /// (JSON ignores them), so a process that dies cannot leave it half overwritten. Unlike a temporary file
    /// and a rename it creates no inode, which on some file systems costs more than all the rest of a write.
    /// </summary>
    private static void Overwrite(string path, string content)
    {
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        var bytes = Encoding.UTF8.GetBytes(content);
        var length = RandomAccess.GetLength(handle);
        if (bytes.Length < length)
        {
            var padded = new byte[length];
            bytes.CopyTo(padded, 0);
            padded.AsSpan(bytes.Length).Fill((byte)' ');
            bytes = padded;
        }

        RandomAccess.Write(handle, bytes, 0);
    }
}
