using System.Management.Automation;
using HdIov.Engine.Simulation;
using HdIov.PowerShell.Completers;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the platforms a simulated host can be built as.</para>
/// <para type="description">Each profile has a name (the value for New-HdIovSimulatedHost -Profile), a description of
/// the machine, its kernel release and its CPU. -Name takes a name or a wildcard pattern; Tab completes the names.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovSimulatedHostProfile")]
[OutputType(typeof(SimulatedHostProfileInfo))]
public sealed class GetHdIovSimulatedHostProfileCommand : PSCmdlet
{
    /// <summary><para type="description">The profile name or a wildcard pattern; all profiles when omitted.</para></summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SimulatedHostProfileCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var pattern = WildcardPattern.Get(string.IsNullOrEmpty(Name) ? "*" : Name, WildcardOptions.IgnoreCase);
        var matches = SimulatedHostProfiles.All
            .Where(p => pattern.IsMatch(p.Name))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

        if (matches.Count == 0 && !string.IsNullOrEmpty(Name) && !WildcardPattern.ContainsWildcardCharacters(Name))
        {
            var known = string.Join(", ", SimulatedHostProfiles.All.Select(p => p.Name).Order(StringComparer.Ordinal));
            var unknown = new ItemNotFoundException($"There is no simulated host profile '{Name}'. Known profiles: {known}.");
            WriteError(new ErrorRecord(unknown, "UnknownSimulatedHostProfile", ErrorCategory.ObjectNotFound, Name)
            {
                ErrorDetails = new ErrorDetails(unknown.Message) { RecommendedAction = $"use one of: {known}" },
            });
            return;
        }

        foreach (var profile in matches)
        {
            WriteObject(SimulatedHostProfileInfo.From(profile));
        }
    }
}
