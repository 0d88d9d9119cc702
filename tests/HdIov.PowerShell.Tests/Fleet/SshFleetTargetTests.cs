using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using HdIov.PowerShell.Tests.Hosting;
using HdIov.PowerShell.Tests.Ssh;

namespace HdIov.PowerShell.Tests.Fleet;

/// <summary>
/// The ssh transport of fleet rollouts against real OpenSSH servers on loopback (<see cref="SshFleetFixture"/>): the
/// module's cmdlets run on each host over PowerShell remoting, the simulated host roots are checked directly, and every
/// way a host cannot be reached ends as an unreachable host with ssh's reason, within the connect timeout.
/// </summary>
[Trait("Category", "Fleet")]
public sealed class SshFleetTargetTests(SshFleetFixture fleet) : IClassFixture<SshFleetFixture>
{
    /// <summary>Generous: a session starts a pwsh on the host, which takes seconds on a loaded machine.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(90);

    /// <summary>For hosts that cannot be reached: the answer must come within it.</summary>
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(8);

    private const string UnreachableType = "HdIov.Engine.Fleet.Rollout.FleetTargetUnreachableException";

    [Fact]
    public void Plan_over_ssh_gives_the_steps_the_module_plans_on_the_host_itself_and_its_hardware_shape()
    {
        foreach (var (name, specFile) in new[] { ("node-02", "qat-two-pfs.yaml"), ("lab-01", "serial-console.yaml") })
        {
            var spec = Spec(specFile, name);
            using var target = Target(name);
            target.Connect();

            var report = target.Plan(spec);

            var local = LocalPlan(name, spec);
            Assert.True(local.Steps > 0, $"{name}: the spec should need steps");
            Assert.Equal(name, RemoteTarget.Property(report, "HostName"));
            Assert.Equal(local.Steps, RemoteTarget.Property(report, "Steps"));
            Assert.Equal(local.Creates, RemoteTarget.Property(report, "VdevsCreated"));
            Assert.Empty((System.Collections.IEnumerable)RemoteTarget.Property(report, "Errors")!);
            var shape = RemoteTarget.Property(report, "Shape")!;
            Assert.Equal(local.Cpu, RemoteTarget.Property(shape, "CpuModel"));
            Assert.Equal(local.Kernel, RemoteTarget.Property(shape, "KernelRelease"));
            Assert.NotEmpty(((System.Collections.IEnumerable)RemoteTarget.Property(shape, "Families")!).Cast<object>());
        }
    }

    [Fact]
    public void A_spec_the_host_refuses_comes_back_as_plan_errors_with_their_codes()
    {
        // The mtty-lab host has no QAT PF at these addresses.
        using var target = Target("lab-01");

        var report = target.Plan(Spec("qat-two-pfs.yaml", "lab-01"));

        var errors = ((System.Collections.IEnumerable)RemoteTarget.Property(report, "Errors")!).Cast<object>().ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith("HDIOV", (string)RemoteTarget.Property(e, "Code")!, StringComparison.Ordinal));
        Assert.Equal(0, RemoteTarget.Property(report, "Steps"));
    }

    [Fact]
    public void Converge_over_ssh_changes_the_simulated_host_and_the_health_check_passes_after()
    {
        const string name = "node-01";
        var spec = Spec("qat-two-pfs.yaml", name);
        var specFile = Path.Combine(fleet.Farm.Directory, "node-01-check.yaml");
        File.WriteAllText(specFile, spec);
        using var target = Target(name);
        Assert.False(IsConvergedLocally(name, specFile));
        var before = target.CheckHealth(spec);
        Assert.False((bool)RemoteTarget.Property(before, "Healthy")!);
        Assert.Contains("does not match its spec", (string)RemoteTarget.Property(before, "Reason")!, StringComparison.Ordinal);

        var applied = target.Converge(spec);

        Assert.Empty(((System.Collections.IEnumerable)RemoteTarget.Property(applied, "Errors")!).Cast<object>());
        Assert.True((bool)RemoteTarget.Property(applied, "Converged")!);
        Assert.False((bool)RemoteTarget.Property(applied, "PendingReboot")!);
        Assert.True((int)RemoteTarget.Property(applied, "StepsDone")! > 0);
        Assert.True(IsConvergedLocally(name, specFile), "the host root itself should match the spec");
        var after = target.CheckHealth(spec);
        Assert.True((bool)RemoteTarget.Property(after, "Healthy")!, (string?)RemoteTarget.Property(after, "Reason"));
        Assert.Equal(0, RemoteTarget.Property(target.Plan(spec), "Steps"));
    }

    [Fact]
    public void A_reboot_over_ssh_gives_a_new_boot_id_once_the_host_is_back()
    {
        const string name = "node-02";
        var server = fleet.Server(name);
        using var target = Target(name);
        var before = target.BootId();
        Assert.Equal(LocalBootId(name), before);

        target.Reboot();
        // The host goes down and comes back: its server and every session with it end, then it listens again.
        server.Stop();
        var down = target.Failure("$Target.BootId($None)");
        Assert.Equal(UnreachableType, down?.GetType().FullName);
        server.Start();

        var after = target.BootId();
        Assert.NotEqual(before, after);
        Assert.Equal(LocalBootId(name), after);
    }

    [Fact]
    public void The_rollout_lock_taken_over_ssh_refuses_a_second_rollout_with_the_holder_name_until_it_is_given_back()
    {
        const string name = "lab-01";
        using var first = Target(name);
        using var second = Target(name);
        var held = first.LockForRollout("rollout dc1 by ops@bastion");

        var refused = second.Failure("$Target.LockForRollout($Argument, $None)", "rollout dc2");

        Assert.Equal("HdIov.Engine.Fleet.Rollout.FleetTargetLockedException", refused?.GetType().FullName);
        Assert.Equal("rollout dc1 by ops@bastion", RemoteTarget.Property(refused!, "Holder"));
        Assert.Equal("rollout dc1 by ops@bastion\n", File.ReadAllText(Path.Combine(fleet.Server(name).HostRoot, "var", "lib", "hdiov", "rollout.holder")));

        first.Release(held);
        var taken = second.LockForRollout("rollout dc2");
        second.Release(taken);
        Assert.False(File.Exists(Path.Combine(fleet.Server(name).HostRoot, "var", "lib", "hdiov", "rollout.holder")));
    }

    [Fact]
    public async Task The_rollout_lock_this_rollout_still_holds_on_a_session_that_is_ending_is_waited_for_not_refused()
    {
        const string name = "lab-01";
        var server = fleet.Server(name);
        using var ending = Target(name);
        var held = ending.LockForRollout("rollout r1 of ops@bastion");
        // The next session of the same rollout (after a reboot the host has not gone down for yet), from its own runspace.
        using var shell = new InProcessPowerShell().WithModule();
        using var next = new RemoteTarget(shell, name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, ConnectTimeout);
        next.Connect();

        var taking = Task.Run(() => next.LockForRollout("rollout r1 of ops@bastion"));
        var first = await Task.WhenAny(taking, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(first != taking, $"the lock of its own ending session failed the host: {taking.Exception?.InnerException?.Message}");
        ending.Release(held);

        var taken = await taking.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("rollout r1 of ops@bastion\n", File.ReadAllText(Path.Combine(server.HostRoot, "var", "lib", "hdiov", "rollout.holder")));
        next.Release(taken);
        Assert.False(File.Exists(Path.Combine(server.HostRoot, "var", "lib", "hdiov", "rollout.holder")));
    }

    [Fact]
    public void The_rollout_lock_is_one_flock_for_both_transports_whoever_takes_it_first()
    {
        const string name = "lab-01";
        var root = fleet.Server(name).HostRoot;
        using var target = Target(name);

        // Taken over ssh: a local taker of the same lock (the engine's host lock, as the local transport takes it) is refused.
        var held = target.LockForRollout("rollout over ssh");
        Assert.Equal("HostLockTimeoutException", TakeLocally(root, holder: null));
        target.Release(held);
        Assert.Equal("taken", TakeLocally(root, holder: null));

        // Taken locally with its holder written: the ssh target is refused with that name.
        Assert.Equal("taken", TakeLocally(root, holder: "local rollout on bastion", keep: true));
        try
        {
            var refused = target.Failure("$Target.LockForRollout($Argument, $None)", "rollout over ssh");
            Assert.Equal("HdIov.Engine.Fleet.Rollout.FleetTargetLockedException", refused?.GetType().FullName);
            Assert.Equal("local rollout on bastion", RemoteTarget.Property(refused!, "Holder"));
        }
        finally
        {
            fleet.Shell.Invoke("$global:HdIovTestLock.Dispose(); Remove-Variable HdIovTestLock -Scope Global");
        }
    }

    [Fact]
    public async Task A_host_that_dies_in_the_middle_of_an_apply_is_unreachable_not_a_crash()
    {
        const string name = "node-03";
        var server = fleet.Server(name);
        var spec = Spec("qat-two-pfs.yaml", name);
        EngineHost(server.HostRoot, "$h.PauseBeforeWrite(1)");
        using var shell = new InProcessPowerShell().WithModule();
        using var target = new RemoteTarget(shell, name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, ConnectTimeout);
        var converge = Task.Run(() => target.Failure("$Target.Converge($Argument, $None)", spec));
        try
        {
            var paused = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(server.HostRoot, ".hdiov-sim", "paused")))
            {
                Assert.False(converge.IsCompleted, "the apply ended before its first write");
                Assert.True(paused.Elapsed < TimeSpan.FromMinutes(3), "the apply never reached its first write");
                await Task.Delay(100);
            }

            // The host goes down under the apply: its server and the session running the apply are killed.
            server.Stop();

            var failure = await converge.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(UnreachableType, failure?.GetType().FullName);
            Assert.Contains("SSH session ended", (string)RemoteTarget.Property(failure!, "Reason")!, StringComparison.Ordinal);
        }
        finally
        {
            EngineHost(server.HostRoot, "$h.ResumeWrites()");
            server.Start();
        }
    }

    [Fact]
    public void A_health_command_runs_on_the_host_with_its_exit_code_and_timeout()
    {
        using var target = Target("lab-01");

        var healthy = target.RunHealthCommand("test \"$HDIOV_HOST_ROOT\" = '" + fleet.Server("lab-01").HostRoot + "'", TimeSpan.FromSeconds(30));
        var failing = target.RunHealthCommand("echo 'queue 3 is down' >&2; exit 3", TimeSpan.FromSeconds(30));
        var slow = target.RunHealthCommand("sleep 30", TimeSpan.FromSeconds(1));

        Assert.True((bool)RemoteTarget.Property(healthy, "Healthy")!, (string?)RemoteTarget.Property(healthy, "Reason"));
        Assert.False((bool)RemoteTarget.Property(failing, "Healthy")!);
        Assert.Equal("the health command exited with 3: queue 3 is down", RemoteTarget.Property(failing, "Reason"));
        Assert.False((bool)RemoteTarget.Property(slow, "Healthy")!);
        Assert.Equal("the health command did not finish within 1s", RemoteTarget.Property(slow, "Reason"));
    }

    [Fact]
    public void A_host_where_nothing_listens_is_unreachable_with_the_refused_connection()
    {
        var server = fleet.Server("node-01");
        // The address of a host of the farm, on a port nothing listens on.
        var reason = Unreachable(new RemoteTarget(fleet.Shell, "gone", server.Address.ToString(), FreePort(server.Address), fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, ShortTimeout));

        Assert.Contains("Connection refused", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_key_is_an_unreachable_host_saying_the_key_was_denied()
    {
        var wrongKey = SshServerFarm.NewKey(Path.Combine(fleet.Farm.Directory, $"wrong-{Guid.NewGuid():n}"));
        var server = fleet.Server("node-01");

        var reason = Unreachable(new RemoteTarget(fleet.Shell, server.Name, server.Address.ToString(), server.Port, wrongKey, fleet.Farm.KnownHostsFile, ShortTimeout));

        // No user given: the current one, as ssh itself would take.
        Assert.Contains($"{Environment.UserName}@{server.Address}: Permission denied (publickey)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_host_key_is_an_unreachable_host_saying_the_host_key_failed_verification()
    {
        var emptyKnownHosts = Path.Combine(fleet.Farm.Directory, $"known_hosts-{Guid.NewGuid():n}");
        File.WriteAllText(emptyKnownHosts, fleet.Server("lab-01").KnownHostsLine + "\n");
        var server = fleet.Server("node-01");

        var reason = Unreachable(new RemoteTarget(fleet.Shell, server.Name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, emptyKnownHosts, ShortTimeout));

        Assert.Contains("Host key verification failed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_host_key_is_an_unreachable_host()
    {
        var server = fleet.Server("node-01");
        var other = fleet.Server("lab-01");
        // node-01's address and port with lab-01's key: what a known-hosts file says after the host was reinstalled.
        var changed = Path.Combine(fleet.Farm.Directory, $"known_hosts-{Guid.NewGuid():n}");
        File.WriteAllText(changed, other.KnownHostsLine.Replace($"[{other.Address}]:{other.Port}", $"[{server.Address}]:{server.Port}", StringComparison.Ordinal) + "\n");

        var reason = Unreachable(new RemoteTarget(fleet.Shell, server.Name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, changed, ShortTimeout));

        Assert.Contains("HOST IDENTIFICATION HAS CHANGED", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_without_the_powershell_subsystem_is_unreachable_saying_so()
    {
        var server = fleet.Server("bare-01");

        var reason = Unreachable(new RemoteTarget(fleet.Shell, server.Name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, ShortTimeout));

        Assert.Contains("subsystem request failed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_without_the_module_is_unreachable_saying_to_install_it()
    {
        var server = fleet.Server("nomodule-01");

        var reason = Unreachable(new RemoteTarget(fleet.Shell, server.Name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, ConnectTimeout), ConnectTimeout);

        Assert.Contains("the HdIov module could not be imported on the host", reason, StringComparison.Ordinal);
        Assert.Contains("Install-PSResource", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_that_accepts_but_never_answers_is_unreachable_at_the_connect_timeout()
    {
        var address = fleet.Server("lab-01").Address;
        using var silent = new TcpListener(address, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var timeout = TimeSpan.FromSeconds(3);
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
                catch (Exception stopped) when (stopped is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });

        var clock = Stopwatch.StartNew();
        var reason = Unreachable(new RemoteTarget(fleet.Shell, "silent", address.ToString(), port, fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, timeout), timeout);

        Assert.True(clock.Elapsed >= timeout - TimeSpan.FromSeconds(1), $"gave up after {clock.Elapsed}, before the timeout");
        Assert.Contains("connect timeout of 3s", reason, StringComparison.Ordinal);
        silent.Stop();
        accepted.ForEach(s => s.Dispose());
    }

    /// <summary>
    /// Takes the rollout lock on the host root from this process, as the local transport does (the engine's host lock,
    /// then the holder file when given); "taken" or the name of the exception. With <paramref name="keep"/> the lock stays
    /// held in <c>$global:HdIovTestLock</c>.
    /// </summary>
    private string TakeLocally(string root, string? holder, bool keep = false) =>
        (string)fleet.Shell.Invoke(
            """
            param($Root, $Holder, $Keep)
            $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
            $h = $engine.GetType('HdIov.Engine.Host.HostFactory', $true)::Open($Root)
            try { $lock = $h.Lock('/var/lib/hdiov/rollout.lock', [TimeSpan]::Zero, [System.Threading.CancellationToken]::None) }
            catch {
                $cause = $_.Exception
                while ($cause.InnerException) { $cause = $cause.InnerException }
                return $cause.GetType().Name
            }
            if ($Holder) { $h.WriteFile('/var/lib/hdiov/rollout.holder', "$Holder`n") }
            if ($Keep) { $global:HdIovTestLock = $lock } else { $lock.Dispose() }
            'taken'
            """,
            new Dictionary<string, object?> { ["Root"] = root, ["Holder"] = holder, ["Keep"] = keep }).Single().BaseObject;

    /// <summary>Runs <paramref name="call"/> on the engine's host for a simulated root (<c>$h</c>).</summary>
    private void EngineHost(string root, string call) =>
        fleet.Shell.Invoke(
            """
            param($Root, $Call)
            $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
            $h = $engine.GetType('HdIov.Engine.Host.HostFactory', $true)::Open($Root)
            & ([scriptblock]::Create($Call))
            """,
            new Dictionary<string, object?> { ["Root"] = root, ["Call"] = call });

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Connects, expects an unreachable host within the timeout (and the slack of a loaded machine), and gives the reason.</summary>
    private static string Unreachable(RemoteTarget target, TimeSpan? timeout = null)
    {
        using (target)
        {
            var clock = Stopwatch.StartNew();
            var failure = target.Failure("$Target.Connect($None)");
            Assert.Equal(UnreachableType, failure?.GetType().FullName);
            Assert.True(clock.Elapsed < (timeout ?? ShortTimeout) + TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
            return (string)RemoteTarget.Property(failure!, "Reason")!;
        }
    }

    private RemoteTarget Target(string name)
    {
        var server = fleet.Server(name);
        return new RemoteTarget(fleet.Shell, name, server.Address.ToString(), server.Port, fleet.Farm.ClientKey, fleet.Farm.KnownHostsFile, ConnectTimeout);
    }

    /// <summary>A test spec rendered for a host, as a fleet renders its group's template: metadata.name is the host's name.</summary>
    private static string Spec(string file, string hostName) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(RepositoryLayout.PesterSuiteDirectory, "TestData", file))
            .Select(line => line.StartsWith("  name: ", StringComparison.Ordinal) ? "  name: " + hostName : line));

    private (int Steps, int Creates, string Cpu, string Kernel) LocalPlan(string name, string spec)
    {
        var file = Path.Combine(fleet.Farm.Directory, $"{name}-{Guid.NewGuid():n}.yaml");
        File.WriteAllText(file, spec);
        var answer = fleet.Shell.Invoke(
            """
            param($Spec, $Root)
            $plan = Get-HdIovPlan -Path $Spec -HostRoot $Root
            $inventory = Get-HdIovHost -HostRoot $Root
            @(@($plan.Steps).Count, @($plan.Steps | Where-Object { $_.Operation.GetType().Name -eq 'CreateMdev' }).Count, $inventory.Cpu, $inventory.Kernel)
            """,
            new Dictionary<string, object?> { ["Spec"] = file, ["Root"] = fleet.Server(name).HostRoot });
        return ((int)answer[0].BaseObject, (int)answer[1].BaseObject, (string)answer[2].BaseObject, (string)answer[3].BaseObject);
    }

    private bool IsConvergedLocally(string name, string specFile) =>
        LanguagePrimitives.IsTrue(fleet.Shell.Invoke(
            "param($Spec, $Root) Test-HdIovHostState -Path $Spec -HostRoot $Root -WarningAction SilentlyContinue",
            new Dictionary<string, object?> { ["Spec"] = specFile, ["Root"] = fleet.Server(name).HostRoot }).Single().BaseObject);

    private string LocalBootId(string name) =>
        File.ReadAllText(Path.Combine(fleet.Server(name).HostRoot, "proc", "sys", "kernel", "random", "boot_id")).Trim();
}
