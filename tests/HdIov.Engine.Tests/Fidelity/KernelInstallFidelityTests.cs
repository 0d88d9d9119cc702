using System.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>
/// systemd's own kernel-install (Debian's systemd package) over a simulated root: after the engine has written
/// /etc/kernel/cmdline, the real tool writes the boot entry the simulated kernel-install wrote, and the simulated
/// host boots from it. The tool is confined to the root by its environment: BOOT_ROOT, KERNEL_INSTALL_CONF_ROOT
/// (where it reads cmdline and entry-token), MACHINE_ID, and only the loader-entry plugin (depmod and initrd
/// generation need a real kernel's modules).
/// </summary>
public sealed class KernelInstallFidelityTests
{
    private const string LoaderEntryPlugin = "/usr/lib/kernel/install.d/90-loaderentry.install";
    private const string MachineId = "0f4e2d6c8a1b4c3d9e7f5a6b4c2d1e0f";
    private const string Release = "5.15.0-91-generic";
    private const string Entry = $"/boot/loader/entries/{MachineId}-{Release}.conf";

    [Fact]
    public void RealKernelInstall_WritesTheEntryTheModelWrites_AndTheSimulatedHostBootsIt()
    {
        var tool = ExternalTool.Require("kernel-install", "systemd");
        Assert.True(File.Exists(LoaderEntryPlugin), $"{LoaderEntryPlugin} is missing; install it with: apt-get install -y systemd");
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810-systemd-boot");
        var spec = Specs.Host("spr-node-01") with { Platform = PlatformSpec.Empty with { KernelArgs = ["hugepagesz=1G", "iommu=pt"] } };
        new Executor(sim.Host).Apply(Planner.Plan(spec, new HostObserver(sim.Host).Observe()));
        var modelled = sim.Host.ReadText(Entry);
        File.Delete(Path.Combine(sim.Root, Entry.TrimStart('/')));
        Directory.Delete(Path.Combine(sim.Root, "boot", MachineId, Release), recursive: true);

        var (exitCode, error) = Run(tool, sim.Root, "add", Release, Path.Combine(sim.Root, "boot", $"vmlinuz-{Release}"));

        Assert.True(exitCode == 0, error);
        var real = sim.Host.ReadText(Entry);
        foreach (var key in new[] { "version", "machine-id", "options" })
        {
            Assert.Equal(Line(modelled, key), Line(real, key));
        }

        Assert.EndsWith($"/{MachineId}/{Release}/linux", Line(real, "linux"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(sim.Root, "boot", MachineId, Release, "linux")));
        sim.Host.Reboot();
        var booted = new HostObserver(sim.Host).Observe();
        Assert.Contains("hugepagesz=1G", booted.CommandLine.Tokens);
        Assert.Contains("iommu=pt", booted.CommandLine.Tokens);
        Assert.Empty(Planner.Plan(spec, booted).Steps);
    }

    private static (int ExitCode, string Error) Run(string tool, string root, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["BOOT_ROOT"] = Path.Combine(root, "boot");
        start.Environment["KERNEL_INSTALL_CONF_ROOT"] = Path.Combine(root, "etc", "kernel");
        start.Environment["MACHINE_ID"] = MachineId;
        start.Environment["KERNEL_INSTALL_PLUGINS"] = LoaderEntryPlugin;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} did not finish within 2 minutes");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    private static string Line(string entry, string key) =>
        entry.Split('\n').Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[key.Length..].Trim();
}
