using HdIov.Engine.Fleet.Rollout;
using HdIov.Engine.Planning;

namespace HdIov.PowerShell.Fleet;

/// <summary>One host of <c>Get-HdIovFleetPlan</c>: its wave and group, and what its plan would do.</summary>
public sealed record FleetHostPlanInfo(
    string Host,
    string Group,
    int Wave,
    string Status,
    int Steps,
    Disruption HighestDisruption,
    int VdevsCreated,
    int VdevsRemoved,
    bool NeedsReboot,
    int VmsTouched,
    string Shape,
    string SpecHash,
    IReadOnlyList<HostError> Errors)
{
    public const string Changes = "Changes";
    public const string NoChanges = "NoChanges";
    public const string Refused = "Refused";
    public const string Unreachable = "Unreachable";

    public static FleetHostPlanInfo From(FleetHostPlan plan, int wave)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var report = plan.Report;
        var status = plan.Unreachable is not null ? Unreachable
            : plan.Errors.Count > 0 ? Refused
            : plan.HasChanges ? Changes
            : NoChanges;
        var errors = plan.Unreachable is { } reason
            ? [new HostError(Engine.Fleet.FleetDiagnosticCodes.HostUnreachable, $"host '{plan.Host.Name}' is unreachable: {reason}", null)]
            : plan.Errors;
        return new FleetHostPlanInfo(
            plan.Host.Name,
            plan.Host.Group,
            wave,
            status,
            report?.Steps ?? 0,
            report?.HighestDisruption ?? Disruption.None,
            report?.VdevsCreated ?? 0,
            report?.VdevsRemoved ?? 0,
            report?.NeedsReboot ?? false,
            report?.VmsTouched ?? 0,
            report?.Shape.ToString() ?? string.Empty,
            plan.Host.SpecHash,
            errors);
    }
}

/// <summary>The totals of <c>Get-HdIovFleetPlan</c>: hosts with changes, VDEVs made and removed, reboots, VMs touched, and hosts it could not plan.</summary>
public sealed record FleetPlanSummary(
    string Fleet,
    int Hosts,
    int Waves,
    int HostsWithChanges,
    int VdevsCreated,
    int VdevsRemoved,
    int Reboots,
    int VmsTouched,
    int Refused,
    int Unreachable)
{
    /// <summary>True when every host was planned and none has a change.</summary>
    public bool NoChanges => HostsWithChanges == 0 && Refused == 0 && Unreachable == 0;

    public static FleetPlanSummary Of(string fleet, int waves, IReadOnlyCollection<FleetHostPlanInfo> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return new FleetPlanSummary(
            fleet,
            hosts.Count,
            waves,
            hosts.Count(h => h.Status == FleetHostPlanInfo.Changes),
            hosts.Sum(h => h.VdevsCreated),
            hosts.Sum(h => h.VdevsRemoved),
            hosts.Count(h => h.NeedsReboot),
            hosts.Sum(h => h.VmsTouched),
            hosts.Count(h => h.Status == FleetHostPlanInfo.Refused),
            hosts.Count(h => h.Status == FleetHostPlanInfo.Unreachable));
    }
}
