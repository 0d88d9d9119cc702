using System.Globalization;
using HdIov.Engine.Families;
using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>
/// One physical function that can be split, as <c>Get-HdIovDevice</c> shows it: its family, how it is split now,
/// what capacity it has left, and the PCIe capabilities that decide what it can do.
/// </summary>
public sealed class PhysicalFunctionInfo
{
    /// <summary>The PCI address (domain:bus:device.function); not <c>Address</c>, which PowerShell arrays already have as a method.</summary>
    public required string PciAddress { get; init; }

    /// <summary><c>vendor:device</c> in hex, as lspci -n prints it.</summary>
    public required string Id { get; init; }

    /// <summary>The engine's family for the PF: <c>Qat4xxx</c>, <c>E810</c> or <c>Generic</c>.</summary>
    public required string Family { get; init; }

    public required string? Driver { get; init; }

    public required int NumaNode { get; init; }

    public required int? IommuGroup { get; init; }

    /// <summary>How the PF is split now: <c>siov</c>, <c>sriov</c> or <c>none</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The PF is registered with the mdev core.</summary>
    public required bool MdevParent { get; init; }

    /// <summary>One row per mdev type and one for SR-IOV VFs.</summary>
    public required IReadOnlyList<DeviceCapacityInfo> Capacity { get; init; }

    /// <summary>The PASID capability's maximum PASID width in bits; empty without the capability.</summary>
    public required int? PasidWidth { get; init; }

    /// <summary>Address Translation Services capability.</summary>
    public required bool Ats { get; init; }

    /// <summary>Page Request Interface capability.</summary>
    public required bool Pri { get; init; }

    /// <summary>The SR-IOV extended capability.</summary>
    public required bool SriovCapable { get; init; }

    /// <summary>The Intel Scalable IOV DVSEC.</summary>
    public required bool SiovDvsec { get; init; }

    /// <summary>The capabilities in one short line, as the table shows them.</summary>
    public string Capabilities
    {
        get
        {
            var parts = new List<string>();
            if (PasidWidth is { } width)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"PASID({width})"));
            }

            if (Ats)
            {
                parts.Add("ATS");
            }

            if (Pri)
            {
                parts.Add("PRI");
            }

            if (SriovCapable)
            {
                parts.Add("SR-IOV");
            }

            if (SiovDvsec)
            {
                parts.Add("SIOV");
            }

            return string.Join(' ', parts);
        }
    }

    /// <summary>Whether a function is one <c>Get-HdIovDevice</c> lists: a PF with SR-IOV, the SIOV DVSEC, or registered as an mdev parent.</summary>
    public static bool IsSplittable(PciFunction function, HostState state) =>
        !function.IsVirtualFunction
        && (function.Capabilities.Sriov is not null || function.Capabilities.Siov is not null || state.FindParent(function.Address.ToString()) is not null);

    /// <summary>Every PF that can be split, in PCI address order.</summary>
    public static IEnumerable<PhysicalFunctionInfo> AllOf(HostState state) =>
        state.Functions.Where(f => IsSplittable(f, state)).OrderBy(f => f.Address).Select(f => From(f, state));

    public static PhysicalFunctionInfo From(PciFunction function, HostState state)
    {
        var address = function.Address.ToString();
        var parent = state.FindParent(address);
        var capacity = new List<DeviceCapacityInfo>();
        if (parent is not null)
        {
            capacity.AddRange(parent.Types.OrderBy(t => t.Id, StringComparer.Ordinal).Select(DeviceCapacityInfo.From));
        }

        var totalVfs = function.Sriov?.TotalVfs ?? function.Capabilities.Sriov?.TotalVfs;
        var numVfs = function.Sriov?.NumVfs ?? 0;
        if (totalVfs is { } total)
        {
            capacity.Add(DeviceCapacityInfo.FromVfs(total, numVfs));
        }

        var hasVdevs = state.Mdevs.Any(m => m.Parent == address);
        var configured = DeviceFamilies.IsConfiguredForVdevs(state, function);
        var mode = hasVdevs || configured ? "siov" : numVfs > 0 ? "sriov" : "none";

        return new PhysicalFunctionInfo
        {
            PciAddress = address,
            Id = string.Create(CultureInfo.InvariantCulture, $"{function.VendorId:x4}:{function.DeviceId:x4}"),
            Family = DeviceFamilies.NameOf(function),
            Driver = function.Driver,
            NumaNode = function.NumaNode,
            IommuGroup = function.IommuGroup,
            Mode = mode,
            MdevParent = parent is not null,
            Capacity = capacity,
            PasidWidth = function.Capabilities.Pasid?.MaxPasidWidth,
            Ats = function.Capabilities.Ats is not null,
            Pri = function.Capabilities.Pri is not null,
            SriovCapable = function.Capabilities.Sriov is not null,
            SiovDvsec = function.Capabilities.Siov is not null,
        };
    }
}
