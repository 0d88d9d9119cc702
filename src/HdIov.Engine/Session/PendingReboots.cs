using System.Collections.Immutable;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Session;

/// <summary>What a plan says waits for a reboot, as the fronts report it.</summary>
public static class PendingReboots
{
    /// <summary>
    /// The plan's changes that take effect at the next boot, then its steps that need a host reboot
    /// (<c>description (reason)</c>), without repeats.
    /// </summary>
    public static ImmutableArray<string> Of(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return [.. plan.PendingReboot
            .Concat(plan.Steps.Where(s => s.Disruption == Disruption.HostReboot).Select(s => $"{s.Description} ({s.Reason})"))
            .Distinct(StringComparer.Ordinal)];
    }
}
