namespace HdIov.Engine.Discovery;

/// <summary>
/// What the kernel makes of <c>intel_iommu=</c> and its build defaults: each option is applied in order, later ones
/// winning, exactly as <c>intel_iommu_setup()</c> does. Null means it depends on a build default that is unknown.
/// </summary>
public sealed record IntelIommuSettings(bool? Enabled, bool? ScalableMode)
{
    public static IntelIommuSettings From(KernelCommandLine commandLine, KernelBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(options);
        var enabled = options.IntelIommuDefaultOn;
        var scalable = options.ScalableModeDefaultOn;
        foreach (var option in commandLine.IntelIommuOptions)
        {
            if (option.StartsWith("on", StringComparison.Ordinal))
            {
                enabled = true;
            }
            else if (option.StartsWith("off", StringComparison.Ordinal))
            {
                enabled = false;
            }
            else if (option.StartsWith("sm_on", StringComparison.Ordinal))
            {
                scalable = true;
            }
            else if (option.StartsWith("sm_off", StringComparison.Ordinal))
            {
                scalable = false;
            }
        }

        return new IntelIommuSettings(enabled, scalable);
    }
}
