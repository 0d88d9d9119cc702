using System.Management.Automation;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes a host's device state today as a spec document.</para>
/// <para type="description">One device entry per PF with VDEVs (mode siov, VDEV counts per type in the keys its family
/// writes, with the services its configuration enables where the family has services) or with VFs (mode
/// sriov, their count and the driver of the first VF), and one per non-PCI mdev parent such as mtty. PFs split by
/// an earlier spec keep that entry's name, so their VDEV names and UUIDs stay the same; entries with devices the
/// engine does not own yet say ownership: adopt, so applying the document takes them over instead of creating more.
/// Container attachments come back from the engine's CDI spec, and the VM attachments a spec made from the ledger.
/// The output is YAML text: Export-HdIovHostState > current.yaml. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "HdIovHostState")]
[OutputType(typeof(string))]
public sealed class ExportHdIovHostStateCommand : HdIovCmdletBase
{
    /// <summary>
    /// <para type="description">metadata.name of the document, which seeds the UUIDs of VDEVs the engine creates later.
    /// Default: the host's name (/proc/sys/kernel/hostname or /etc/hostname), for a simulated host its profile name.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var session = OpenSession();
        var name = Name ?? session.HostName;
        if (!Names.IsValid(name))
        {
            var bad = new ArgumentException($"'{name}' cannot be a host name in a spec: it needs a letter or digit first, then letters, digits, '-', '_' or '.', at most {Names.MaxLength} characters.");
            ThrowTerminatingError(new ErrorRecord(bad, "InvalidHostName", ErrorCategory.InvalidArgument, name)
            {
                ErrorDetails = new ErrorDetails(bad.Message) { RecommendedAction = "pass -Name with a valid name, e.g. -Name spr-node-01" },
            });
        }

        var state = Observe();
        var spec = session.Export(state, name);
        WriteObject(SpecWriter.Write(spec));
    }
}
