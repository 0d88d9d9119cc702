using System.Management.Automation;
using HdIov.Engine.Families;
using HdIov.Engine.Discovery;
using HdIov.PowerShell.Completers;
using HdIov.PowerShell.Inventory;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the physical functions that can be split, with how they are split now and what is left.</para>
/// <para type="description">One row per PF that has SR-IOV, the Scalable IOV DVSEC, or is registered with the mdev core:
/// its family (Qat4xxx, E810, Generic), driver, NUMA node, IOMMU group, mode (siov, sriov or none), capacity per mdev
/// type and for SR-IOV VFs, and its PASID, ATS, PRI, SR-IOV and SIOV capabilities. -PciAddress takes addresses from
/// the pipeline by property name, so the devices of Get-HdIovHost pipe in. Nothing on the host changes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HdIovDevice")]
[OutputType(typeof(PhysicalFunctionInfo))]
public sealed class GetHdIovDeviceCommand : HdIovCmdletBase
{
    private HostState? _state;

    /// <summary><para type="description">Only these PFs (dddd:bb:dd.f); Tab completes the addresses on the host.</para></summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PciAddressCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? PciAddress { get; set; }

    /// <summary><para type="description">Only PFs of this family (the engine's device families; Tab completes them).</para></summary>
    [Parameter]
    [ValidateSet(typeof(DeviceFamilyNames))]
    public string? Family { get; set; }

    protected override void ProcessRecord()
    {
        _state ??= Observe();
        var state = _state;
        var functions = state.Functions.Where(f => PhysicalFunctionInfo.IsSplittable(f, state)).OrderBy(f => f.Address).ToList();

        if (PciAddress is { Length: > 0 })
        {
            var chosen = new List<PciFunction>();
            foreach (var text in PciAddress)
            {
                if (!Engine.Hardware.Pci.PciAddress.TryParse(text.Trim().ToLowerInvariant(), out var address))
                {
                    WriteError(NotAnAddress(text));
                    continue;
                }

                var function = functions.FirstOrDefault(f => f.Address == address);
                if (function is null)
                {
                    WriteError(NoSuchDevice(text, state.FindFunction(address) is not null));
                    continue;
                }

                if (!chosen.Contains(function))
                {
                    chosen.Add(function);
                }
            }

            functions = chosen;
        }

        foreach (var function in functions)
        {
            if (Family is { } family && !string.Equals(DeviceFamilies.NameOf(function), family, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            WriteObject(PhysicalFunctionInfo.From(function, state));
        }
    }

    private static ErrorRecord NotAnAddress(string text)
    {
        var bad = new ArgumentException($"'{text}' is not a PCI address.");
        return new ErrorRecord(bad, "InvalidPciAddress", ErrorCategory.InvalidArgument, text)
        {
            ErrorDetails = new ErrorDetails(bad.Message) { RecommendedAction = "write it as dddd:bb:dd.f, e.g. 0000:6b:00.0" },
        };
    }

    private static ErrorRecord NoSuchDevice(string text, bool existsButNotSplittable)
    {
        var missing = new ItemNotFoundException(existsButNotSplittable
            ? $"The PCI function {text} has neither SR-IOV nor the Scalable IOV DVSEC and is not an mdev parent, so it cannot be split."
            : $"There is no PCI function {text} on this host.");
        return new ErrorRecord(missing, "DeviceNotFound", ErrorCategory.ObjectNotFound, text)
        {
            ErrorDetails = new ErrorDetails(missing.Message) { RecommendedAction = "list the PFs that can be split with Get-HdIovDevice" },
        };
    }
}
