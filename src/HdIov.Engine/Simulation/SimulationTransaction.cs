namespace HdIov.Engine.Simulation;

/// <summary>What one <see cref="SimulationStore.Transact{T}"/> sees: the write counter, and the model state on first use.</summary>
internal sealed class SimulationTransaction
{
    private readonly Func<SimulationState> _load;
    private SimulationState? _state;

    public SimulationTransaction(WriteCounter counter, Func<SimulationState> load)
    {
        Counter = counter;
        _load = load;
    }

    public WriteCounter Counter { get; }

    public SimulationState State => _state ??= _load();

    public bool StateLoaded => _state is not null;
}
