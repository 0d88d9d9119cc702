using System.Diagnostics;
using System.Xml.Linq;
using HdIov.PowerShell.Tests.Hosting;
using HdIov.PowerShell.Tests.Ssh;

namespace HdIov.PowerShell.Tests.Fleet;

/// <summary>
/// A fleet rollout over real OpenSSH servers, driven by <c>Invoke-HdIovFleetRollout</c> from a fleet document whose
/// hosts use the ssh transport: seven simulated hosts (six behind their own sshd on 127.0.0.N, one whose server is
/// down), a canary wave, a host whose spec cannot be met, and a host whose plan stops at the reboot barrier. Its reboot
/// goes down as a host does: once its boot id changes, its server and every session with it end, then it listens again.
/// </summary>
[Trait("Category", "Fleet")]
public sealed class SshFleetRolloutTests
{
    private const string Strategy = """
          strategy:
            waves: [1, 3, 2, 1]
            throttle: 2
            maxUnavailable: 2
            failureBudget:
              perWave: { unreachable: 1, applyFailed: 0, healthFailed: 0 }
              fleet: { any: 3 }
            reboot: { policy: whenNeeded, maxPerHost: 1 }
            timeouts: { connect: 90s, host: 10m }
        """;

    private const string MttySpec = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata:
          name: ${host.name}
        spec:
          devices:
            - name: tty
              select: { parent: mtty }
              mode: siov
              vdevs: { mtty-1: ${values.ports} }
        """;

    private const string AccelSpec = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata: { name: template }
        spec:
          devices:
            - name: qat-vf
              select: { pciAddress: "0000:f7:00.0" }
              mode: sriov
              vfs: { count: 2 }
        """;

    /// <summary>A kernel argument: the plan stops at the reboot barrier until the host boots with it.</summary>
    private const string BootSpec = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata: { name: template }
        spec:
          platform:
            kernelArgs: [ "hugepagesz=2M" ]
          devices:
            - name: tty
              select: { parent: mtty }
              mode: siov
              vdevs: { mtty-1: 1 }
        """;

    private static readonly (string Name, string Profile, string Role, int Ports)[] Hosts =
    [
        ("lab-1", "mtty-lab", "lab", 2),
        ("accel-1", "spr-qat-e810", "accel", 1),
        ("lab-2", "mtty-lab", "lab", 3),
        ("gone-1", "mtty-lab", "lab", 1),
        ("boot-1", "mtty-lab", "boot", 1),
        ("bad-1", "mtty-lab", "lab", 999),
        ("lab-3", "mtty-lab", "lab", 4),
    ];

    private static readonly string[] ConvergedFirst = ["lab-1", "accel-1", "lab-2", "boot-1"];

    [Fact]
    public async Task A_rollout_over_ssh_halts_at_the_budget_reboots_over_ssh_and_a_resume_after_the_fix_leaves_converged_hosts_alone()
    {
        using var shell = new InProcessPowerShell().WithModule();
        using var farm = new SshServerFarm();
        using var stopWatching = new CancellationTokenSource();
        Task<int>? watcher = null;
        try
        {
            var roots = Directory.CreateDirectory(Path.Combine(farm.Directory, "roots")).FullName;
            foreach (var (name, profile, _, _) in Hosts)
            {
                var root = Path.Combine(roots, name);
                shell.Invoke(
                    "param($Root, $Profile) New-HdIovSimulatedHost -Profile $Profile -Path $Root -Confirm:$false | Out-Null",
                    new Dictionary<string, object?> { ["Root"] = root, ["Profile"] = profile });
                farm.Start(name, root);
            }

            // gone-1 went down before the rollout: its address and port, nothing listening.
            farm.Servers.Single(s => s.Name == "gone-1").Stop();
            var boot = farm.Servers.Single(s => s.Name == "boot-1");
            var bootBefore = BootId(boot.HostRoot);
            // Its own thread: a watcher queued behind the rollout's busy pool threads would take the server down late.
            watcher = Task.Factory.StartNew(() => RestartServerOnReboot(boot, bootBefore, stopWatching.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            var work = Directory.CreateDirectory(Path.Combine(farm.Directory, "fleet")).FullName;
            File.WriteAllText(Path.Combine(work, "mtty.yaml"), MttySpec);
            File.WriteAllText(Path.Combine(work, "accel.yaml"), AccelSpec);
            File.WriteAllText(Path.Combine(work, "boot.yaml"), BootSpec);
            var fleetFile = Path.Combine(work, "fleet.yaml");
            var fleetText = FleetDocument(farm);
            File.WriteAllText(fleetFile, fleetText);
            var journal = Path.Combine(work, "journal.json");
            var junit = Path.Combine(work, "junit.xml");
            var lab3Before = Snapshot(Root(farm, "lab-3"));

            var (first, halted) = Rollout(shell, fleetFile, journal, junit, resume: null);

            Assert.NotNull(halted);
            Assert.Contains("HDIOV5010", halted.Value.Id, StringComparison.Ordinal);
            Assert.True(halted.Value.Message.Contains("per-wave failure budget 'applyFailed' (0 hosts) was exceeded at wave 3", StringComparison.Ordinal), halted.Value.Message + "\n" + string.Join("\n", first.Select(h => $"{h.Key}: {h.Value}")));
            Assert.Equal(Hosts.Select(h => h.Name).Order(), first.Keys.Order());
            Assert.Equal(("Converged", 1), (first["lab-1"].Status, first["lab-1"].Wave));
            Assert.Equal(("Converged", 2), (first["accel-1"].Status, first["accel-1"].Wave));
            Assert.Equal("Converged", first["lab-2"].Status);
            Assert.Equal(("Unreachable", "Unreachable", 2), (first["gone-1"].Status, first["gone-1"].Cause, first["gone-1"].Wave));
            Assert.Contains("Connection refused", first["gone-1"].Message, StringComparison.Ordinal);
            Assert.True(("Converged", 1, false, 3) == (first["boot-1"].Status, first["boot-1"].Reboots, first["boot-1"].PendingReboot, first["boot-1"].Wave), first["boot-1"].ToString());
            Assert.Equal(("Failed", "ApplyFailed", 3), (first["bad-1"].Status, first["bad-1"].Cause, first["bad-1"].Wave));
            Assert.StartsWith("HDIOV", first["bad-1"].ErrorCode, StringComparison.Ordinal);
            Assert.Equal(("Skipped", 4), (first["lab-3"].Status, first["lab-3"].Wave));
            Assert.StartsWith("halted: the per-wave failure budget", first["lab-3"].Message, StringComparison.Ordinal);

            // The reboot went over ssh: the host came back with another boot id, booted with the kernel argument, its
            // server restarted under the rollout, which then converged it.
            stopWatching.Cancel();
            Assert.Equal(1, await watcher);
            Assert.NotEqual(bootBefore, BootId(boot.HostRoot));
            Assert.Contains("hugepagesz=2M", File.ReadAllText(Path.Combine(boot.HostRoot, "proc", "cmdline")), StringComparison.Ordinal);
            Assert.Single(Directory.EnumerateFileSystemEntries(Path.Combine(boot.HostRoot, "sys", "bus", "mdev", "devices")));
            Assert.True(boot.IsRunning);

            // Nothing changed on the bad host (its lock given back), nor on the host the halt skipped.
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root(farm, "bad-1"), "sys", "bus", "mdev", "devices")));
            Assert.False(File.Exists(Path.Combine(Root(farm, "bad-1"), "var", "lib", "hdiov", "rollout.holder")));
            Assert.Equal(lab3Before, Snapshot(Root(farm, "lab-3")));
            Assert.All(new[] { "lab-1", "lab-2" }, h => Assert.NotEmpty(Directory.EnumerateFileSystemEntries(Path.Combine(Root(farm, h), "sys", "bus", "mdev", "devices"))));

            AssertValidJUnit(junit);
            var report = XDocument.Load(junit);
            Assert.Equal(Hosts.Length, report.Descendants("testcase").Count());
            Assert.Equal(4, report.Descendants("testsuite").Count());
            Assert.NotNull(Case(report, "gone-1").Element("error"));
            Assert.NotNull(Case(report, "bad-1").Element("failure"));
            Assert.StartsWith("halted:", Case(report, "lab-3").Element("skipped")!.Attribute("message")!.Value, StringComparison.Ordinal);
            Assert.All(ConvergedFirst, h => Assert.DoesNotContain(Case(report, h).Elements(), e => e.Name.LocalName is "error" or "failure" or "skipped"));

            // The fix: bad-1 asks for one port. The resume leaves the converged hosts alone: not one write on them.
            File.WriteAllText(fleetFile, fleetText.Replace("values: { ports: 999 }", "values: { ports: 1 }", StringComparison.Ordinal));
            var untouched = ConvergedFirst.ToDictionary(h => h, h => Snapshot(Root(farm, h)));

            var (resumed, refused) = Rollout(shell, fleetFile, journal, junit, resume: journal);

            Assert.Null(refused);
            Assert.Equal("Converged", resumed["bad-1"].Status);
            Assert.Equal("Converged", resumed["lab-3"].Status);
            Assert.Equal("Unreachable", resumed["gone-1"].Status);
            Assert.All(untouched, pair =>
            {
                Assert.Equal("Unchanged", resumed[pair.Key].Status);
                Assert.Contains("not contacted", resumed[pair.Key].Message, StringComparison.Ordinal);
                Assert.Equal(pair.Value, Snapshot(Root(farm, pair.Key)));
            });
            Assert.Single(Directory.EnumerateFileSystemEntries(Path.Combine(Root(farm, "bad-1"), "sys", "bus", "mdev", "devices")));
            Assert.Equal(4, Directory.EnumerateFileSystemEntries(Path.Combine(Root(farm, "lab-3"), "sys", "bus", "mdev", "devices")).Count());
            AssertValidJUnit(junit);
            Assert.Equal(Hosts.Length, XDocument.Load(junit).Descendants("testcase").Count());
        }
        finally
        {
            stopWatching.Cancel();
            if (watcher is not null)
            {
                try
                {
                    await watcher.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception stopped) when (stopped is InvalidOperationException or TimeoutException)
                {
                    // The servers are stopped by the farm, whatever the watcher was doing.
                }
            }
        }
    }

    /// <summary>
    /// What a host does when it reboots, for the servers of simulated hosts: once the boot id changes (the remote
    /// <c>Restart-HdIovSimulatedHost</c> the rollout asked for over ssh) and that boot is over, the server goes down with
    /// every session and comes back a moment later. The number of reboots seen.
    /// </summary>
    /// <remarks>
    /// The simulated kernel writes the new boot id early in its boot, which runs in the session that asked for the
    /// reboot and holds the simulated kernel's lock until every parent has registered. Killing that session as soon
    /// as the id changes would cut the boot short and leave a host no real reboot leaves (no mtty parent), so the
    /// server goes down only once the lock is free.
    /// </remarks>
    private static int RestartServerOnReboot(SshTestServer server, string bootId, CancellationToken stop)
    {
        var reboots = 0;
        while (!stop.IsCancellationRequested)
        {
            var now = BootId(server.HostRoot);
            if (now.Length > 0 && !string.Equals(now, bootId, StringComparison.Ordinal))
            {
                reboots++;
                bootId = now;
                WaitForBootToEnd(server.HostRoot, stop);
                server.Stop();
                Thread.Sleep(TimeSpan.FromSeconds(2));
                server.Start();
            }

            Thread.Sleep(50);
        }

        return reboots;
    }

    /// <summary>Waits until no transaction of the simulated kernel holds its flock (.NET takes a flock for FileShare.None).</summary>
    private static void WaitForBootToEnd(string root, CancellationToken stop)
    {
        var kernelLock = Path.Combine(root, ".hdiov-sim", "kernel.lock");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using (new FileStream(kernelLock, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                    return;
                }
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static string FleetDocument(SshServerFarm farm)
    {
        string Line((string Name, string Profile, string Role, int Ports) host)
        {
            var server = farm.Servers.Single(s => s.Name == host.Name);
            return $"    - {{ name: {host.Name}, transport: {{ ssh: {{ host: {server.Address}, port: {server.Port}, user: root, keyFile: '{farm.ClientKey}', knownHostsFile: '{farm.KnownHostsFile}' }} }}, labels: {{ role: {host.Role} }}, values: {{ ports: {host.Ports} }} }}\n";
        }

        return $$"""
            apiVersion: hdiov.dev/v1alpha1
            kind: Fleet
            metadata: { name: ssh-fleet }
            spec:
              hosts:
            {{string.Concat(Hosts.Select(Line))}}
              groups:
                - name: lab
                  selector: { matchLabels: { role: lab } }
                  spec: { path: ./mtty.yaml }
                - name: accel
                  selector: { matchLabels: { role: accel } }
                  spec: { path: ./accel.yaml }
                - name: boot
                  selector: { matchLabels: { role: boot } }
                  spec: { path: ./boot.yaml }
            {{Strategy}}
            """;
    }

    /// <summary>Runs the cmdlet; every host's result by name, and the terminating error it ended with, if any.</summary>
    private static (Dictionary<string, HostResult> Hosts, (string Id, string Message)? Error) Rollout(InProcessPowerShell shell, string fleet, string journal, string junit, string? resume)
    {
        var output = shell.Invoke(
            """
            param($Fleet, $Journal, $JUnit, $Resume)
            $results = [System.Collections.Generic.List[object]]::new()
            $failure = $null
            $arguments = @{ Path = $Fleet; JournalPath = $Journal; JUnitPath = $JUnit; Force = $true }
            if ($Resume) { $arguments.Resume = $Resume }
            try { Invoke-HdIovFleetRollout @arguments -WarningAction SilentlyContinue | ForEach-Object { $results.Add($_) } }
            catch { $failure = $_ }
            foreach ($r in $results) {
                [pscustomobject]@{
                    Host = $r.HostName; Status = "$($r.Status)"; Wave = $r.Wave; Reboots = $r.Reboots; PendingReboot = $r.PendingReboot
                    ErrorCode = "$($r.ErrorCode)"; Message = "$($r.Message)"; Cause = "$($r.Cause)"
                }
            }
            if ($failure) { [pscustomobject]@{ Host = $null; Id = $failure.FullyQualifiedErrorId; Message = $failure.Exception.Message } }
            """,
            new Dictionary<string, object?> { ["Fleet"] = fleet, ["Journal"] = journal, ["JUnit"] = junit, ["Resume"] = resume });
        var hosts = output.Where(o => o.Properties["Host"].Value is string).ToDictionary(
            o => (string)o.Properties["Host"].Value,
            o => new HostResult(
                (string)o.Properties["Status"].Value,
                (int)o.Properties["Wave"].Value,
                (int)o.Properties["Reboots"].Value,
                (bool)o.Properties["PendingReboot"].Value,
                (string)o.Properties["ErrorCode"].Value,
                (string)o.Properties["Message"].Value,
                (string)o.Properties["Cause"].Value),
            StringComparer.Ordinal);
        var error = output.SingleOrDefault(o => o.Properties["Host"].Value is null);
        return (hosts, error is null ? null : ((string)error.Properties["Id"].Value, (string)error.Properties["Message"].Value));
    }

    private static string Root(SshServerFarm farm, string name) => farm.Servers.Single(s => s.Name == name).HostRoot;

    private static string BootId(string root)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, "proc", "sys", "kernel", "random", "boot_id")).Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>The simulated host's write counter, its model state and the engine's ledger: any change to the host changes one.</summary>
    private static string Snapshot(string root) => string.Join(
        "\n---\n",
        new[] { Path.Combine(".hdiov-sim", "writes.json"), Path.Combine(".hdiov-sim", "state.json"), Path.Combine("var", "lib", "hdiov", "ledger.json") }
            .Select(file => Path.Combine(root, file))
            .Select(path => File.Exists(path) ? File.ReadAllText(path) : "(none)"));

    private static XElement Case(XDocument junit, string host) => junit.Descendants("testcase").Single(c => c.Attribute("name")!.Value == host);

    /// <summary>xmllint against the JUnit 10 schema CI systems accept (a shared fixture, read in place).</summary>
    private static void AssertValidJUnit(string report)
    {
        var schema = Path.GetFullPath(Path.Combine(RepositoryLayout.RepositoryRoot, "..", "shared", "fixtures", "junit", "junit-10.xsd"));
        Assert.True(File.Exists(schema), $"the JUnit schema fixture {schema} is missing");
        var start = new ProcessStartInfo("xmllint") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--noout", "--schema", schema, report })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"xmllint refused {report}: {errors.Result}");
    }

    private sealed record HostResult(string Status, int Wave, int Reboots, bool PendingReboot, string ErrorCode, string Message, string Cause);
}
