using HdIov.Engine.Hardware.Vtd;

namespace HdIov.Engine.Discovery;

/// <summary>One VT-d remapping unit as <c>/sys/class/iommu/dmarN/intel-iommu</c> shows it, with its registers decoded.</summary>
public sealed record IommuUnit(string Name, ulong Address, string Version, VtdCapability Cap, VtdExtendedCapability Ecap);
