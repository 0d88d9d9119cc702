namespace HdIov.Engine.Discovery;

/// <summary>The CPU as identified by CPUID (on a simulated host, by its profile).</summary>
public sealed record CpuInfo(
    string Vendor,
    int Family,
    int Model,
    int Stepping,
    string ModelName,
    bool Vmx,
    bool Enqcmd,
    bool Movdir64b,
    int Sockets,
    int NumaNodes)
{
    /// <summary>The platform code name from family 6 model numbers (arch/x86/include/asm/intel-family.h).</summary>
    public string Platform => (Vendor, Family, Model) switch
    {
        ("GenuineIntel", 6, 0x8F) => "Sapphire Rapids",
        ("GenuineIntel", 6, 0xCF) => "Emerald Rapids",
        ("GenuineIntel", 6, 0xAD) => "Granite Rapids",
        ("GenuineIntel", 6, 0xAE) => "Granite Rapids-D",
        ("GenuineIntel", 6, 0xAF) => "Sierra Forest",
        ("GenuineIntel", 6, 0x6A) => "Ice Lake-SP",
        ("GenuineIntel", 6, 0x55) => "Skylake/Cascade Lake-SP",
        _ => "unknown",
    };
}
