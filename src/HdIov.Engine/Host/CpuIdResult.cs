namespace HdIov.Engine.Host;

public readonly record struct CpuIdResult(uint Eax, uint Ebx, uint Ecx, uint Edx);
