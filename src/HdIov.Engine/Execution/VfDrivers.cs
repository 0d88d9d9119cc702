using HdIov.Engine.Host;

namespace HdIov.Engine.Execution;

/// <summary>A PCI function's bound driver and its <c>driver_override</c>, as sysfs shows them.</summary>
internal static class VfDrivers
{
    /// <summary>The name of the bound driver, or null when none is bound.</summary>
    public static string? Current(IHost host, string device) =>
        host.ReadLink(HostPath.Combine(device, "driver")) is { } target ? target.TrimEnd('/').Split('/')[^1] : null;

    /// <summary>The <c>driver_override</c>, or null when none is set (the kernel prints <c>(null)</c>).</summary>
    public static string? Override(IHost host, string device)
    {
        var path = HostPath.Combine(device, "driver_override");
        if (!host.Exists(path))
        {
            return null;
        }

        var text = host.ReadText(path).Trim();
        return text is "" or "(null)" ? null : text;
    }
}
