using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HdIov.Engine.Simulation;

namespace HdIov.PowerShell.Completers;

/// <summary>Completes -Profile with the simulated host profile names, each with its description as the tooltip.</summary>
internal sealed class SimulatedHostProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
        return SimulatedHostProfiles.All
            .Where(p => pattern.IsMatch(p.Name))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new CompletionResult(p.Name, p.Name, CompletionResultType.ParameterValue, p.Description))
            .ToArray();
    }
}
