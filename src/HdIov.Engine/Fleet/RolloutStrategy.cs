using System.Collections.Immutable;

namespace HdIov.Engine.Fleet;

/// <summary>
/// How a rollout moves through the fleet. Semantics follow the rolling-update tools operators know: wave sizes as a
/// list whose last entry repeats, percentages rounded up with a minimum of 1, failure budgets that must be exceeded
/// (not reached) to halt, a throttle that only lowers concurrency, and timeouts that are never unlimited.
/// </summary>
public sealed record RolloutStrategy(
    ImmutableArray<HostCount> Waves,
    int Throttle,
    HostCount MaxUnavailable,
    FailureBudget PerWaveBudget,
    FailureBudget FleetBudget,
    WavePause Pause,
    HostOrder Order,
    int Seed,
    bool HardwareCanaries,
    TimeSpan ConnectTimeout,
    TimeSpan HostTimeout,
    RebootPolicy Reboot,
    int MaxRebootsPerHost,
    HeldDevicePolicy OnHeldDevice)
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultHostTimeout = TimeSpan.FromMinutes(30);

    /// <summary>One wave of one host, then everything at once would be reckless; the default is one host at a time.</summary>
    public static RolloutStrategy Default { get; } = new(
        [HostCount.Of(1)],
        Throttle: 5,
        MaxUnavailable: HostCount.Of(1),
        PerWaveBudget: FailureBudget.None,
        FleetBudget: FailureBudget.None,
        Pause: WavePause.None,
        Order: HostOrder.Inventory,
        Seed: 0,
        HardwareCanaries: false,
        ConnectTimeout: DefaultConnectTimeout,
        HostTimeout: DefaultHostTimeout,
        Reboot: RebootPolicy.Never,
        MaxRebootsPerHost: 1,
        OnHeldDevice: HeldDevicePolicy.Refuse);
}

/// <summary>A number of hosts, absolute or a percentage of a total.</summary>
public readonly record struct HostCount(int Value, bool IsPercent)
{
    public static HostCount Of(int hosts) => new(hosts, IsPercent: false);

    public static HostCount Percent(int percent) => new(percent, IsPercent: true);

    /// <summary>The count for a fleet (or wave) of <paramref name="total"/> hosts: percentages round up, at least 1.</summary>
    public int Resolve(int total)
    {
        if (!IsPercent)
        {
            return Math.Max(1, Value);
        }

        var hosts = (int)Math.Ceiling(total * Value / 100.0);
        return Math.Max(1, hosts);
    }

    public override string ToString() => IsPercent ? $"{Value}%" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// How many failures of each cause are tolerated; a budget is spent when failures <em>exceed</em> it. A null limit
/// means that cause has no budget of its own (only <see cref="Any"/> counts it). Percentages are of the hosts the
/// budget covers (the wave, or the whole fleet), never of the hosts still active.
/// </summary>
public sealed record FailureBudget(HostCount? Unreachable, HostCount? ApplyFailed, HostCount? HealthFailed, HostCount? Any)
{
    /// <summary>No failure tolerated: the first failure of any cause halts.</summary>
    public static FailureBudget None { get; } = new(null, null, null, new HostCount(0, false));

    /// <summary>The first cause whose failures exceed its limit, or null.</summary>
    public FailureCause? Exceeded(FailureCounts counts, int hosts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (IsExceeded(Unreachable, counts.Unreachable, hosts))
        {
            return FailureCause.Unreachable;
        }

        if (IsExceeded(ApplyFailed, counts.ApplyFailed, hosts))
        {
            return FailureCause.ApplyFailed;
        }

        if (IsExceeded(HealthFailed, counts.HealthFailed, hosts))
        {
            return FailureCause.HealthFailed;
        }

        return IsExceeded(Any, counts.Total, hosts) ? FailureCause.Any : null;
    }

    /// <summary>The limit for a cause as a user reads it ("2 hosts", "10% of 40 hosts").</summary>
    public static string Describe(HostCount limit, int hosts) =>
        limit.IsPercent ? $"{limit.Value}% of {hosts} hosts" : $"{limit.Value} host{(limit.Value == 1 ? string.Empty : "s")}";

    private static bool IsExceeded(HostCount? limit, int failures, int hosts)
    {
        if (limit is not { } value)
        {
            return false;
        }

        // Exceeded, not reached: a percentage is compared exactly, without rounding the allowance.
        return value.IsPercent ? failures * 100L > (long)value.Value * hosts : failures > value.Value;
    }
}

/// <summary>Why a host counts against a failure budget.</summary>
public enum FailureCause
{
    Unreachable,
    ApplyFailed,
    HealthFailed,

    /// <summary>The budget on all causes together.</summary>
    Any,
}

/// <summary>Failures counted per cause over a wave or the fleet.</summary>
public sealed record FailureCounts(int Unreachable, int ApplyFailed, int HealthFailed)
{
    public static FailureCounts Zero { get; } = new(0, 0, 0);

    public int Total => Unreachable + ApplyFailed + HealthFailed;

    public FailureCounts Add(FailureCause cause) => cause switch
    {
        FailureCause.Unreachable => this with { Unreachable = Unreachable + 1 },
        FailureCause.ApplyFailed => this with { ApplyFailed = ApplyFailed + 1 },
        FailureCause.HealthFailed => this with { HealthFailed = HealthFailed + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, "a host fails for one concrete cause"),
    };
}

/// <summary>What happens between two waves: nothing, a fixed wait, or a manual gate that stops until resumed.</summary>
public sealed record WavePause(TimeSpan Duration, bool Manual)
{
    public static WavePause None { get; } = new(TimeSpan.Zero, Manual: false);
}

public enum HostOrder
{
    /// <summary>As the fleet document (or inventory) lists them.</summary>
    Inventory,

    /// <summary>By host name, ordinal.</summary>
    Sorted,

    /// <summary>A shuffle that the seed makes repeatable.</summary>
    Shuffle,
}

public enum RebootPolicy
{
    /// <summary>A host whose plan needs a reboot stops at the barrier and ends as pending reboot.</summary>
    Never,

    /// <summary>The rollout reboots a host when its plan stops at a reboot barrier, up to the per-host limit.</summary>
    WhenNeeded,
}

/// <summary>What a rollout does with a host whose plan would remove, reset or rebind a device a VM or process holds.</summary>
public enum HeldDevicePolicy
{
    /// <summary>The host fails with the holders named; nothing on it changes.</summary>
    Refuse,

    /// <summary>The host is left unchanged and counted as skipped, not failed.</summary>
    Skip,
}
