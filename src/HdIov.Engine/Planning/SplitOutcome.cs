namespace HdIov.Engine.Planning;

/// <summary>How many VDEVs a split creates and removes per type on its parent, for the capacity checks.</summary>
internal sealed record SplitOutcome(IReadOnlyDictionary<string, int> Creates, IReadOnlyDictionary<string, int> Removes)
{
    public int CreatesOf(string type) => Creates.GetValueOrDefault(type);

    public int RemovesOf(string type) => Removes.GetValueOrDefault(type);
}
