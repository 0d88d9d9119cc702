using System.Collections.Immutable;
using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Removes virtual devices (mdev VDEVs) now, for scripts.</para>
/// <para type="description">Takes VDEVs by UUID, by name, or from Get-HdIovVirtualDevice through the pipeline, plans
/// their removal through the engine, asks ShouldProcess per step, and applies it under the host lock: the device, its
/// mdevctl definition, then its ledger entry. It refuses a VDEV the engine does not own, and one in use (a process
/// holds its /dev/vfio group open, or the CDI spec publishes it to containers), unless -Force. Each refused VDEV is its
/// own error; the others are still removed.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "HdIovVirtualDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = UuidSet)]
[OutputType(typeof(VirtualDeviceInfo))]
public sealed class RemoveHdIovVirtualDeviceCommand : HdIovCmdletBase
{
    private const string UuidSet = "Uuid";
    private const string NameSet = "Name";

    /// <summary><para type="description">The UUIDs of the VDEVs to remove.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UuidSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The UUIDs of the VDEVs to remove.")]
    public Guid[] Uuid { get; set; } = [];

    /// <summary><para type="description">The names of the VDEVs to remove: the name New-HdIovVirtualDevice gave, or the spec name (qat/0/asym/0).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true, HelpMessage = "The names of the VDEVs to remove.")]
    [Alias("VdevName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>
    /// <para type="description">Also removes VDEVs the engine does not own and VDEVs in use, and applies steps that
    /// need a host reboot or a VM restart without asking.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var session = OpenSession();
        var state = Observe();
        var openGroups = Guard(session.OpenVfioGroups, session.Root);
        var chosen = new List<(Guid Uuid, object Target)>();
        if (ParameterSetName == NameSet)
        {
            foreach (var name in Name)
            {
                var entry = state.Ledger.Entries.LastOrDefault(e => e.Kind == LedgerEntryKind.Mdev && e.VdevName == name);
                if (entry?.Uuid is { } uuid)
                {
                    chosen.Add((uuid, name));
                }
                else
                {
                    WriteError(NoSuchName(name));
                }
            }
        }
        else
        {
            chosen.AddRange(Uuid.Select(u => (u, (object)u)));
        }

        var removable = new List<Guid>();
        foreach (var (uuid, target) in chosen)
        {
            try
            {
                session.PlanRemove(Request([uuid], openGroups), state);
                removable.Add(uuid);
            }
            catch (PlanRejectedException refused)
            {
                foreach (var diagnostic in refused.Diagnostics)
                {
                    WriteError(RequestErrors.From(diagnostic, target));
                }
            }
        }

        if (removable.Count == 0)
        {
            return;
        }

        var planned = Guard(() => session.PlanRemove(Request(removable, openGroups), state), session.Root);
        foreach (var warning in planned.Plan.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        if (!ConfirmSteps(planned.Plan, Force))
        {
            return;
        }

        var removed = planned.Vdevs.Select(uuid => Describe(uuid, state)).ToList();
        var activity = string.Create(CultureInfo.InvariantCulture, $"Removing {removed.Count} VDEVs");
        if (TryApply(planned.Plan, activity, removable.Count == 1 ? removable[0] : removable.ToArray()) is null)
        {
            return;
        }

        WriteObject(removed, enumerateCollection: true);
    }

    private VdevRemoveRequest Request(IEnumerable<Guid> uuids, ImmutableSortedDictionary<int, int> openGroups) =>
        new([.. uuids], Force) { OpenVfioGroups = openGroups };

    /// <summary>The VDEV as it was before the removal; one only recorded (not live) is described from its ledger entry.</summary>
    private static VirtualDeviceInfo Describe(Guid uuid, HostState state)
    {
        var mdev = state.Mdevs.FirstOrDefault(m => m.Uuid == uuid);
        if (mdev is null)
        {
            var entry = state.Ledger.FindMdev(uuid)!;
            mdev = new MdevDevice(uuid, entry.Parent, entry.Type ?? string.Empty, null);
        }

        return VirtualDeviceInfo.FromMdev(mdev, state);
    }

    private static ErrorRecord NoSuchName(string name)
    {
        var missing = new ItemNotFoundException($"The engine owns no VDEV named '{name}'.");
        return new ErrorRecord(missing, Engine.Diagnostics.DiagnosticCodes.NoDeviceMatches, ErrorCategory.ObjectNotFound, name)
        {
            ErrorDetails = new ErrorDetails(missing.Message)
            {
                RecommendedAction = "list the VDEVs and their names with Get-HdIovVirtualDevice; remove one without a name by -Uuid",
            },
        };
    }
}
