using System.Globalization;
using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>A physical function that can be split, with the capabilities that decide how.</summary>
public sealed class DeviceInfo
{
    /// <summary>The PCI address (domain:bus:device.function); not <c>Address</c>, which PowerShell arrays already have as a method.</summary>
    public required string PciAddress { get; init; }

    /// <summary><c>vendor:device</c> in hex, as lspci -n prints it.</summary>
    public required string Id { get; init; }

    public required string? Driver { get; init; }

    public required int NumaNode { get; init; }

    public required int? IommuGroup { get; init; }

    /// <summary>The Intel Scalable IOV DVSEC is in config space.</summary>
    public required bool Siov { get; init; }

    /// <summary>The PCIe PASID capability is in config space.</summary>
    public required bool Pasid { get; init; }

    /// <summary>The PF is registered with the mdev core, so VDEVs can be created on it now.</summary>
    public required bool MdevParent { get; init; }

    public required int? TotalVfs { get; init; }

    public required int? NumVfs { get; init; }

    public static DeviceInfo From(PciFunction function, bool isMdevParent) => new()
    {
        PciAddress = function.Address.ToString(),
        Id = string.Create(CultureInfo.InvariantCulture, $"{function.VendorId:x4}:{function.DeviceId:x4}"),
        Driver = function.Driver,
        NumaNode = function.NumaNode,
        IommuGroup = function.IommuGroup,
        Siov = function.Capabilities.Siov is not null,
        Pasid = function.Capabilities.Pasid is not null,
        MdevParent = isMdevParent,
        TotalVfs = function.Sriov?.TotalVfs ?? function.Capabilities.Sriov?.TotalVfs,
        NumVfs = function.Sriov?.NumVfs,
    };
}
