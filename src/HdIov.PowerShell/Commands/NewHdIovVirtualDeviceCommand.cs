using System.Globalization;
using System.Management.Automation;
using HdIov.Engine.Planning;
using HdIov.PowerShell.Completers;
using HdIov.PowerShell.Errors;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Creates virtual devices (mdev VDEVs) on a parent now, for scripts.</para>
/// <para type="description">Plans the request through the engine with the rules a spec follows (type offered, SIOV
/// platform, capacity), asks ShouldProcess per step, and applies it under the host lock: each VDEV is recorded in the
/// ownership ledger as imperative before the kernel creates it, and persisted (an mdevctl definition, or the ledger for
/// parents mdevctl cannot drive). A later Set-HdIovHostState takes such a VDEV over when the spec declares one of its
/// type on its parent, and otherwise leaves it alone with a warning. Without -Uuid a VDEV's UUID derives from its parent
/// and name, so asking again for the same name gives the same device.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "HdIovVirtualDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VirtualDeviceInfo))]
public sealed class NewHdIovVirtualDeviceCommand : HdIovCmdletBase
{
    /// <summary><para type="description">The parent: a PF's PCI address (dddd:bb:dd.f) or a non-PCI parent's name (mtty).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The parent: a PF's PCI address (dddd:bb:dd.f) or a non-PCI parent's name (mtty).")]
    [Alias("PciAddress", "Parent")]
    [ArgumentCompleter(typeof(PciAddressCompleter))]
    [ValidateNotNullOrEmpty]
    public string ParentAddress { get; set; } = string.Empty;

    /// <summary><para type="description">The mdev type id the parent offers (Get-HdIovDevice lists them under Capacity), or the VDEV key of
    /// the parent's family as a spec's vdevs: takes it. Tab completion offers both.</para></summary>
    [Parameter(Mandatory = true, Position = 1, HelpMessage = "The mdev type id the parent offers, or the VDEV key of the parent's family as a spec's vdevs: takes it.")]
    [ArgumentCompleter(typeof(DeviceTypeCompleter))]
    [ValidateNotNullOrEmpty]
    public string Type { get; set; } = string.Empty;

    /// <summary><para type="description">How many VDEVs to create on each parent, 1 to 4096. Default: 1.</para></summary>
    [Parameter]
    public int Count { get; set; } = 1;

    /// <summary><para type="description">The VDEV's name (with -Count above 1, the names are name-0, name-1, ...).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary><para type="description">The UUID of the one VDEV to create.</para></summary>
    [Parameter]
    public Guid? Uuid { get; set; }

    /// <summary><para type="description">Applies steps that need a host reboot or a VM restart without asking.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var state = Observe();
        ImperativePlan planned;
        try
        {
            planned = OpenSession().PlanCreate(new VdevCreateRequest(ParentAddress, Type, Count, Name, Uuid), state);
        }
        catch (PlanRejectedException refused)
        {
            foreach (var diagnostic in refused.Diagnostics)
            {
                WriteError(RequestErrors.From(diagnostic, ParentAddress));
            }

            return;
        }

        foreach (var warning in planned.Plan.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        if (!ConfirmSteps(planned.Plan, Force))
        {
            return;
        }

        var final = state;
        if (!planned.Plan.IsEmpty)
        {
            var activity = string.Create(CultureInfo.InvariantCulture, $"Creating {planned.Vdevs.Length} {Type} VDEVs on {ParentAddress}");
            if (TryApply(planned.Plan, activity, ParentAddress) is not { } result)
            {
                return;
            }

            final = result.FinalState;
        }

        foreach (var uuid in planned.Vdevs)
        {
            if (final.Mdevs.FirstOrDefault(m => m.Uuid == uuid) is { } mdev)
            {
                WriteObject(VirtualDeviceInfo.FromMdev(mdev, final));
            }
        }
    }
}
