using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;

namespace HdIov.Engine.Tests.Fleet;

public sealed class FleetLoaderTests : IDisposable
{
    private readonly FleetText _files = new();

    public FleetLoaderTests() => _files.Write("mtty.yaml", FleetText.MttySpec);

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_fleet_loads_hosts_groups_and_strategy()
    {
        var fleet = _files.Valid(FleetText.LocalFleet(3, """
              strategy:
                waves: [1, 5, "20%"]
                throttle: 4
                maxUnavailable: "10%"
                failureBudget:
                  perWave: { unreachable: 1, applyFailed: 0 }
                  fleet: { any: "5%" }
                pause: manual
                order: shuffle
                seed: 42
                canaries: hardware
                timeouts: { connect: 10s, host: 15m }
                reboot: { policy: whenNeeded, maxPerHost: 2 }
                onHeldDevice: skip
            """));

        Assert.Equal("test-fleet", fleet.Name);
        Assert.Equal(["h001", "h002", "h003"], fleet.Hosts.Select(h => h.Name));
        Assert.Equal(Path.Combine(_files.Directory, "h002"), Assert.IsType<LocalTransport>(fleet.Hosts[1].Transport).Root);
        var strategy = fleet.Strategy;
        Assert.Equal([HostCount.Of(1), HostCount.Of(5), HostCount.Percent(20)], strategy.Waves.ToArray());
        Assert.Equal(4, strategy.Throttle);
        Assert.Equal(HostCount.Percent(10), strategy.MaxUnavailable);
        Assert.Equal(new FailureBudget(HostCount.Of(1), HostCount.Of(0), null, null), strategy.PerWaveBudget);
        Assert.Equal(new FailureBudget(null, null, null, HostCount.Percent(5)), strategy.FleetBudget);
        Assert.True(strategy.Pause.Manual);
        Assert.Equal((HostOrder.Shuffle, 42, true), (strategy.Order, strategy.Seed, strategy.HardwareCanaries));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(15)), (strategy.ConnectTimeout, strategy.HostTimeout));
        Assert.Equal((RebootPolicy.WhenNeeded, 2, HeldDevicePolicy.Skip), (strategy.Reboot, strategy.MaxRebootsPerHost, strategy.OnHeldDevice));
    }

    [Fact]
    public void Without_a_strategy_the_rollout_is_one_host_at_a_time_and_halts_on_the_first_failure()
    {
        var strategy = _files.Valid(FleetText.LocalFleet(2)).Strategy;

        Assert.Equal(RolloutStrategy.Default, strategy);
        Assert.Equal(FailureCause.Any, strategy.PerWaveBudget.Exceeded(new FailureCounts(0, 1, 0), 10));
    }

    [Fact]
    public void Each_host_gets_its_own_spec_with_its_name_and_values()
    {
        var fleet = _files.Valid(FleetText.LocalFleet(2));
        var group = Assert.Single(fleet.Groups);

        var first = group.Spec.Render(fleet.Hosts[0], group.Values);
        var second = group.Spec.Render(fleet.Hosts[1], group.Values);

        Assert.True(first.Succeeded, string.Join("\n", first.Diagnostics));
        Assert.Equal(("h001", 2), (first.Spec!.Name, first.Spec.Devices[0].Vdevs["mtty-1"]));
        Assert.Equal(("h002", 3), (second.Spec!.Name, second.Spec.Devices[0].Vdevs["mtty-1"]));
    }

    [Fact]
    public void Metadata_name_is_the_hosts_whatever_the_template_says()
    {
        _files.Write("fixed.yaml", FleetText.MttySpec.Replace("${host.name}", "spr-node-01", StringComparison.Ordinal));
        var fleet = _files.Valid(FleetText.LocalFleet(1).Replace("./mtty.yaml", "./fixed.yaml", StringComparison.Ordinal));
        var group = fleet.Groups[0];

        Assert.Equal("h001", group.Spec.Render(fleet.Hosts[0], group.Values).Spec!.Name);
    }

    [Fact]
    public void A_value_a_host_lacks_is_an_error_at_the_placeholder_naming_the_host()
    {
        _files.Write("mtty.yaml", FleetText.MttySpec.Replace("values.ports", "values.portCount", StringComparison.Ordinal));

        var result = _files.Load(FleetText.LocalFleet(2));

        Assert.Null(result.Fleet);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(FleetDiagnosticCodes.UnknownHostValue, diagnostic.Code);
        Assert.Equal((Path.Combine(_files.Directory, "mtty.yaml"), 10, 24), (diagnostic.Location!.File, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("host 'h001'", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("portCount", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_would_change_the_documents_shape_is_refused()
    {
        var yaml = FleetText.LocalFleet(1).Replace("values: { ports: 2 }", "values: { ports: \"4 }\\n  evil: { x\" }", StringComparison.Ordinal);

        var result = _files.Load(yaml);

        Assert.Null(result.Fleet);
        Assert.Contains(result.Diagnostics, d => d.Code == FleetDiagnosticCodes.UnsafeHostValue && d.Location!.Line == 10);
    }

    [Fact]
    public void An_inline_spec_reports_its_errors_at_the_fleet_documents_lines()
    {
        var result = _files.Load("""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: f }
            spec:
              hosts:
                - { name: a, transport: { local: { root: ./a } } }
              groups:
                - name: all
                  selector: {}
                  spec:
                    inline: |
                      apiVersion: hdiov.dev/v1alpha1
                      kind: HostState
                      metadata: { name: x }
                      spec:
                        devices:
                          - name: tty
                            select: { parent: mtty }
                            mode: siov
                            vdevz: { mtty-1: 1 }
            """);

        Assert.Null(result.Fleet);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.UnknownKey);
        Assert.Equal(("fleet.yaml", 20, 17), (Path.GetFileName(diagnostic.Location!.File), diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.StartsWith("group 'all', host 'a': ", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("waves: []", DiagnosticCodes.InvalidValue, 13, 12)]
    [InlineData("waves: [0]", DiagnosticCodes.InvalidValue, 13, 13)]
    [InlineData("waves: [\"120%\"]", DiagnosticCodes.InvalidValue, 13, 13)]
    [InlineData("throttle: 0", DiagnosticCodes.InvalidValue, 13, 15)]
    [InlineData("timeouts: { connect: 0 }", FleetDiagnosticCodes.TimeoutUnlimited, 13, 26)]
    [InlineData("timeouts: { host: 0s }", FleetDiagnosticCodes.TimeoutUnlimited, 13, 23)]
    [InlineData("timeouts: { host: forever }", DiagnosticCodes.InvalidValue, 13, 23)]
    [InlineData("order: random", DiagnosticCodes.InvalidValue, 13, 12)]
    [InlineData("seed: 3", DiagnosticCodes.ConflictingFields, 13, 11)]
    [InlineData("maxUnavailabel: 1", DiagnosticCodes.UnknownKey, 13, 5)]
    [InlineData("failureBudget: { perWave: { applyFailed: -1 } }", DiagnosticCodes.InvalidValue, 13, 46)]
    public void Bad_strategy_values_are_located(string line, string code, int lineNumber, int column)
    {
        var result = _files.Load(FleetText.LocalFleet(1, "  strategy:\n    " + line));

        Assert.Null(result.Fleet);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((code, lineNumber, column), (diagnostic.Code, diagnostic.Location!.Line, diagnostic.Location.Column));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    [Fact]
    public void Duplicate_hosts_and_a_host_with_two_transports_are_refused()
    {
        var result = _files.Load("""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: f }
            spec:
              hosts:
                - { name: a, transport: { local: { root: ./a } } }
                - { name: a, transport: { local: { root: ./b } } }
                - { name: c, address: 127.0.0.2, transport: { local: { root: ./c }, ssh: { user: root } } }
              groups:
                - { name: all, selector: {}, spec: { path: ./mtty.yaml } }
            """);

        Assert.Null(result.Fleet);
        Assert.Contains(result.Diagnostics, d => d.Code == FleetDiagnosticCodes.DuplicateHost && d.Location!.Line == 7);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.ConflictingFields && d.Location!.Line == 8);
    }

    [Fact]
    public void An_ssh_host_takes_its_address_port_user_and_key()
    {
        var fleet = _files.Valid("""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: f }
            spec:
              hosts:
                - name: a
                  address: 127.0.0.2
                  transport: { ssh: { port: 2222, user: root, keyFile: ./id, knownHostsFile: ./known } }
              groups:
                - { name: all, selector: {}, spec: { path: ./mtty.yaml }, values: { ports: 1 } }
            """);

        var ssh = Assert.IsType<SshTransport>(fleet.Hosts[0].Transport);
        Assert.Equal(("127.0.0.2", 2222, "root"), (ssh.Host, ssh.Port, ssh.User));
        Assert.Equal(Path.Combine(_files.Directory, "id"), ssh.KeyFile);
        Assert.Equal(Path.Combine(_files.Directory, "known"), ssh.KnownHostsFile);
    }

    [Fact]
    public void A_host_state_document_is_not_a_fleet()
    {
        var result = _files.Load(FleetText.MttySpec.Replace("${host.name}", "a", StringComparison.Ordinal).Replace("${values.ports}", "1", StringComparison.Ordinal));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnsupportedKind, diagnostic.Code);
        Assert.Contains("kind: Fleet", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_spec_file_is_located_at_its_path_key()
    {
        var result = _files.Load(FleetText.LocalFleet(1).Replace("./mtty.yaml", "./none.yaml", StringComparison.Ordinal));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.FileNotReadable, diagnostic.Code);
        Assert.Equal("spec.groups[0].spec.path", diagnostic.KeyPath);
    }
}
