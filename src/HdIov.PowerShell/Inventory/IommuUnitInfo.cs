using System.Globalization;
using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>One VT-d unit with the capability bits HD-IOV depends on.</summary>
public sealed class IommuUnitInfo
{
    public required string Name { get; init; }

    /// <summary>The register base address from the DMAR table (not <c>Address</c>: PowerShell arrays have a method of that name).</summary>
    public required string RegisterBase { get; init; }

    public required string Version { get; init; }

    /// <summary>ECAP.SMTS: the unit supports scalable-mode translation.</summary>
    public required bool ScalableMode { get; init; }

    /// <summary>ECAP.PASID: the unit supports process address space IDs, which VDEVs are addressed by.</summary>
    public required bool Pasid { get; init; }

    /// <summary>PASID width in bits (ECAP.PSS + 1); 0 without PASID support.</summary>
    public required int PasidBits { get; init; }

    public required bool PageRequests { get; init; }

    public required bool PassThrough { get; init; }

    public required string Ecap { get; init; }

    public required string Cap { get; init; }

    public static IommuUnitInfo From(IommuUnit unit) => new()
    {
        Name = unit.Name,
        RegisterBase = "0x" + unit.Address.ToString("x", CultureInfo.InvariantCulture),
        Version = unit.Version,
        ScalableMode = unit.Ecap.ScalableMode,
        Pasid = unit.Ecap.Pasid,
        PasidBits = unit.Ecap.Pasid ? unit.Ecap.PasidWidth : 0,
        PageRequests = unit.Ecap.PageRequest,
        PassThrough = unit.Ecap.PassThrough,
        Ecap = unit.Ecap.Raw.ToString("x", CultureInfo.InvariantCulture),
        Cap = unit.Cap.Raw.ToString("x", CultureInfo.InvariantCulture),
    };
}
