using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Session;

/// <summary>
/// What <see cref="HostSession.Converge"/> did: the plan (the last one made, after stale retries), what the apply did
/// (null when only planned), the host as it is now, and the plan that is left on it (what waits for a reboot).
/// </summary>
public sealed record ConvergeResult(Plan Plan, ApplyResult? Applied, HostState State, Plan Remaining)
{
    /// <summary>
    /// What waits for a reboot: changes made that take effect at the next boot, and steps still behind the reboot
    /// barrier, each as one line.
    /// </summary>
    public ImmutableArray<string> PendingReboot => PendingReboots.Of(Remaining);
}
