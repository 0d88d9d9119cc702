namespace HdIov.Engine.Hardware.Pci;

/// <summary>A base address register as programmed in config space. Sizes are not in config space; sysfs <c>resource</c> has them.</summary>
public sealed record PciBar(int Index, ulong Address, bool IsIo, bool Is64Bit, bool Prefetchable);
