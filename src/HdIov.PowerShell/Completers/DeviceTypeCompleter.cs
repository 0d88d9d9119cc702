using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using HdIov.Engine.Families;

namespace HdIov.PowerShell.Completers;

/// <summary>
/// Completes a VDEV type: the words of the spec (each device family's VDEV keys) and every mdev type id the parents
/// of the command's host offer, with what it is and how many are free as the tooltip.
/// </summary>
internal sealed class DeviceTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var pattern = HostCompletion.PrefixPattern(wordToComplete);
        var offers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in DeviceFamilies.SpecTypeKeys)
        {
            offers[key.Key] = key.Description;
        }

        var state = HostCompletion.Observe(fakeBoundParameters);
        if (state is not null)
        {
            foreach (var group in state.MdevParents.SelectMany(p => p.Types.Select(t => (Parent: p, Type: t))).GroupBy(x => x.Type.Id, StringComparer.Ordinal))
            {
                var first = group.First().Type;
                var parents = group.Select(x => x.Parent.Name).ToArray();
                var free = group.Sum(x => x.Type.Available.Count ?? 0);
                var what = first.Name ?? first.Description ?? first.DeviceApi;
                offers[group.Key] = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{what}: on {parents.Length} parent(s) ({parents[0]}{(parents.Length > 1 ? ", ..." : string.Empty)}), {free} free");
            }
        }

        return offers
            .Where(o => pattern.IsMatch(o.Key))
            .Select(o => new CompletionResult(HostCompletion.Quote(o.Key), o.Key, CompletionResultType.ParameterValue, o.Value))
            .ToArray();
    }
}
