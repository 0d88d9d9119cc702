using System.Management.Automation;
using HdIov.Engine.Model;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads a spec document into the engine's HostSpec model.</para>
/// <para type="description">The model is what the planner works from: the host name, the platform settings, the device
/// entries with their selectors and VDEV counts, and the attachments. An invalid document writes each error (with
/// file:line:column, the diagnostic code as error id and the fix) and then stops with a terminating error.
/// Nothing on any host is read or changed.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "HdIovSpec")]
[OutputType(typeof(HostSpec))]
public sealed class ImportHdIovSpecCommand : PSCmdlet
{
    /// <summary><para type="description">The spec document (YAML) to read.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The spec document (YAML) to read.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    protected override void ProcessRecord() => WriteObject(SpecFiles.Load(this, Path));
}
