namespace HdIov.Engine.Discovery;

/// <summary>
/// The kernel build defaults that decide the IOMMU state when the command line is silent, read from
/// <c>/boot/config-&lt;release&gt;</c>: <c>CONFIG_INTEL_IOMMU_DEFAULT_ON</c> and
/// <c>CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON</c>. Null means the file or the option was not found.
/// </summary>
public sealed record KernelBuildOptions(string? Source, bool? IntelIommuDefaultOn, bool? ScalableModeDefaultOn)
{
    public static KernelBuildOptions Unknown { get; } = new(null, null, null);

    private const string IntelIommuDefaultOnOption = "CONFIG_INTEL_IOMMU_DEFAULT_ON";
    private const string ScalableModeDefaultOnOption = "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON";

    /// <summary>Reads the two options; a distribution's config has thousands of lines, so lines are looked at in place.</summary>
    public static KernelBuildOptions Parse(string source, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool? iommu = null;
        bool? scalable = null;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.Contains("CONFIG_INTEL_IOMMU_", StringComparison.Ordinal))
            {
                Apply(line, IntelIommuDefaultOnOption, ref iommu);
                Apply(line, ScalableModeDefaultOnOption, ref scalable);
            }
        }

        return new KernelBuildOptions(source, iommu, scalable);
    }

    private static void Apply(ReadOnlySpan<char> line, string option, ref bool? value)
    {
        if (line.StartsWith("# ", StringComparison.Ordinal)
            && line[2..].StartsWith(option, StringComparison.Ordinal)
            && line[(2 + option.Length)..].SequenceEqual(" is not set"))
        {
            value = false;
        }
        else if (line.StartsWith(option, StringComparison.Ordinal) && line.Length == option.Length + 2 && line[option.Length] == '=')
        {
            value = line[^1] switch
            {
                'y' => true,
                'n' => false,
                _ => value,
            };
        }
    }
}
