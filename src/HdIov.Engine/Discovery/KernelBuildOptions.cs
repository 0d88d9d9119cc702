namespace HdIov.Engine.Discovery;

/// <summary>
/// The kernel build defaults that decide the IOMMU state when the command line is silent, read from
/// <c>/boot/config-&lt;release&gt;</c>: <c>CONFIG_INTEL_IOMMU_DEFAULT_ON</c> and
/// <c>CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON</c>. Null means the file or the option was not found.
/// </summary>
public sealed record KernelBuildOptions(string? Source, bool? IntelIommuDefaultOn, bool? ScalableModeDefaultOn)
{
    public static KernelBuildOptions Unknown { get; } = new(null, null, null);

    public static KernelBuildOptions Parse(string source, string text)
    {
        bool? iommu = null;
        bool? scalable = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            Apply(line, "CONFIG_INTEL_IOMMU_DEFAULT_ON", ref iommu);
            Apply(line, "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON", ref scalable);
        }

        return new KernelBuildOptions(source, iommu, scalable);
    }

    private static void Apply(string line, string option, ref bool? value)
    {
        if (line == option + "=y")
        {
            value = true;
        }
        else if (line == $"# {option} is not set" || line == option + "=n")
        {
            value = false;
        }
    }
}
