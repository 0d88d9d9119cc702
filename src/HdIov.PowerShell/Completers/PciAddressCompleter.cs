using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.PowerShell.Commands;
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
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var root = fakeBoundParameters?["HostRoot"] as string;
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetEnvironmentVariable(HdIovCmdletBase.HostRootVariable);
        }

        HostState state;
        try
        {
            var host = HostFactory.Open(Path.GetFullPath(string.IsNullOrEmpty(root) ? "/" : root));
            try
            {
                state = new HostObserver(host).Observe(CancellationToken.None);
            }
            finally
            {
                (host as IDisposable)?.Dispose();
            }
        }
        catch (Exception unreadable) when (unreadable is ArgumentException or IOException or UnauthorizedAccessException or HostIoException)
        {
            return [];
        }

        var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
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
