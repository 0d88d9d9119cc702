using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Completers;

/// <summary>
/// Completes -PciAddress with the PFs Get-HdIovDevice lists on the host the command names (its -HostRoot, else
/// $env:HDIOV_HOST_ROOT, else /), with the id, family and driver as the tooltip.
/// </summary>
internal sealed class PciAddressCompleter : IArgumentCompleter
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
        return state.Functions
            .Where(f => PhysicalFunctionInfo.IsSplittable(f, state) && pattern.IsMatch(f.Address.ToString()))
            .OrderBy(f => f.Address)
            .Select(f => PhysicalFunctionInfo.From(f, state))
            .Select(d => new CompletionResult(
                d.PciAddress,
                d.PciAddress,
                CompletionResultType.ParameterValue,
                string.Create(CultureInfo.InvariantCulture, $"{d.Id} {d.Family} {d.Driver ?? "(no driver)"}")))
            .ToArray();
    }
}
