using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace HdIov.PowerShell.Completers;

/// <summary>
/// Completes a VDEV: the names the engine gave its VDEVs (qat/0/asym/0, from the ownership ledger) and the UUIDs of
/// the live mdevs it does not own, on the host the command names; the tooltip says parent, type and whether it is live.
/// </summary>
internal sealed class VdevNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var state = HostCompletion.Observe(fakeBoundParameters);
        if (state is null)
        {
            return [];
        }

        var pattern = HostCompletion.PrefixPattern(wordToComplete);
        var live = state.Mdevs.ToDictionary(m => m.Uuid);
        var owned = state.Ledger.Entries
            .Where(e => e.VdevName is not null && e.Uuid is not null)
            .Select(e => (Text: e.VdevName!, Tip: $"{e.Parent} {e.Type} {e.Uuid} ({(live.ContainsKey(e.Uuid!.Value) ? "live" : "not live")})"));
        var unowned = state.Mdevs
            .Where(m => !state.Ledger.OwnsMdev(m.Uuid))
            .Select(m => (Text: m.Uuid.ToString(), Tip: $"{m.Parent} {m.Type} (live, not owned by HdIov)"));

        return owned.OrderBy(o => o.Text, StringComparer.Ordinal)
            .Concat(unowned.OrderBy(u => u.Text, StringComparer.Ordinal))
            .Where(c => pattern.IsMatch(c.Text))
            .Select(c => new CompletionResult(HostCompletion.Quote(c.Text), c.Text, CompletionResultType.ParameterValue, c.Tip))
            .ToArray();
    }
}
