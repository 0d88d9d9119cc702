namespace HdIov.Engine.Discovery;

/// <summary>
/// The udev rule that runs <c>mdevctl start-parent-mdevs</c> when a parent registers, which is what brings VDEVs
/// persisted as mdevctl definitions back after a reboot: the rule in effect (<see cref="RulePath"/>), the mdevctl
/// executable it runs, and whether that executable exists. Debian 12's mdevctl 1.2.0-3 installs
/// <c>/usr/bin/mdevctl</c> while its rule runs <c>/usr/sbin/mdevctl</c>, so autostart silently never happens there.
/// </summary>
public sealed record MdevctlAutostart(string RulePath, string Command, bool CommandExists);
