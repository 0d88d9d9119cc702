using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class MdevctlAutostartTests : IDisposable
{
    private const string PackagedRule = "/usr/lib/udev/rules.d/60-mdevctl.rules";
    private const string OverrideRule = "/etc/udev/rules.d/60-mdevctl.rules";

    private readonly FakeHostTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Observe_RuleRunsAMissingMdevctl_WarnsWithTheOverrideFix()
    {
        _tree.WriteFile(PackagedRule, Rule("/usr/sbin/mdevctl")).WriteFile("/usr/bin/mdevctl", "#!/bin/sh\n");

        var state = Observe();

        Assert.Equal(new MdevctlAutostart(PackagedRule, "/usr/sbin/mdevctl", false), state.Platform.MdevctlAutostart);
        var finding = Assert.Single(state.Findings, f => f.Code == DiagnosticCodes.ReadinessMdevctlAutostart);
        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Contains("/usr/sbin/mdevctl, which does not exist", finding.Message, StringComparison.Ordinal);
        Assert.Contains($"> {OverrideRule}", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_OverrideRunsAnExistingMdevctl_TakesPrecedenceAndRaisesNothing()
    {
        _tree.WriteFile(PackagedRule, Rule("/usr/sbin/mdevctl"))
            .WriteFile(OverrideRule, Rule("/usr/bin/mdevctl"))
            .WriteFile("/usr/bin/mdevctl", "#!/bin/sh\n");

        var state = Observe();

        Assert.Equal(new MdevctlAutostart(OverrideRule, "/usr/bin/mdevctl", true), state.Platform.MdevctlAutostart);
        Assert.DoesNotContain(state.Findings, f => f.Code == DiagnosticCodes.ReadinessMdevctlAutostart);
    }

    [Fact]
    public void Observe_NoMdevctlRule_RecordsNothing()
    {
        var state = Observe();

        Assert.Null(state.Platform.MdevctlAutostart);
        Assert.DoesNotContain(state.Findings, f => f.Code == DiagnosticCodes.ReadinessMdevctlAutostart);
    }

    // The rule as the package ships it: the command inside a shell one-liner, also on a commented line.
    private static string Rule(string command) =>
        "# When registered with mdev, try to start any persistent devices.\n" +
        $"# {command} start-parent-mdevs is run from here\n" +
        $"ACTION==\"change\", ENV{{MDEV_STATE}}==\"registered\", TEST==\"/etc/mdevctl.d/$kernel\", RUN+=\"/bin/sh -c '{{ {command} start-parent-mdevs %k 2>&3 | logger -t mdevctl; }} 3>&1 1>&2 | logger -t mdevctl -p 2'\"\n";

    private HostState Observe() =>
        new HostObserver(new CpuIdHost(new LinuxHost(_tree.Root), CpuIdHost.SapphireRapids(), new KernelRelease("Linux", "6.1.0-test", "x86_64"))).Observe();
}
