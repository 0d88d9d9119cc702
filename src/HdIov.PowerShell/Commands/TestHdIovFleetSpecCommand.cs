using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Checks a fleet document, its inventory and its groups' specs without touching any host.</para>
/// <para type="description">Loads the fleet (kind Fleet), the Ansible inventory it names and every group's HostState spec
/// rendered for every host the group selects, then checks that each host is in exactly one group. Returns $true when all
/// of it is valid and $false otherwise; each error is an error record whose message starts with file:line:column and
/// whose error id is the diagnostic code. With -PassThru it returns the diagnostics instead. No host is contacted.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HdIovFleetSpec")]
[OutputType(typeof(bool), typeof(Diagnostic))]
public sealed class TestHdIovFleetSpecCommand : PSCmdlet
{
    /// <summary><para type="description">The fleet document (YAML) to check.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The fleet document (YAML) to check.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary><para type="description">Returns every diagnostic as an object instead of $true or $false and error records.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var file = SpecFiles.ResolveExisting(this, Path);
        var result = FleetLoader.LoadFile(file);
        var diagnostics = result.Fleet is null ? result.Diagnostics : result.Diagnostics.AddRange(FleetAssignment.Assign(result.Fleet).Diagnostics);
        SpecFiles.WriteVerdict(this, diagnostics, PassThru);
    }
}
