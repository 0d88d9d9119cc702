using System.Diagnostics;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// A real libvirtd (QEMU driver) in session mode, private to one test class: its runtime, config, cache and data
/// folders live in a temporary folder, so nothing system-wide is read or changed. Run as root, the daemon runs as
/// the unprivileged user nobody (a root libvirtd would be the system daemon); the test connects through its socket.
/// </summary>
public sealed class PrivateLibvirtd : IDisposable
{
    private const int Nobody = 65534;
    private readonly Process _daemon;
    private readonly string _folder;

    public PrivateLibvirtd()
    {
        LibvirtComponents.RequireLibrary();
        var libvirtd = LibvirtComponents.RequireProgram("libvirtd", "libvirt-daemon");
        LibvirtComponents.RequireProgram("virsh", "libvirt-clients");
        LibvirtComponents.RequireProgram("qemu-system-x86_64", "qemu-system-x86");
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so")
            && !Directory.EnumerateFiles("/usr/lib", "libvirt_driver_qemu.so", SearchOption.AllDirectories).Any())
        {
            Assert.Fail("the libvirt QEMU driver is missing: install the Debian package libvirt-daemon-driver-qemu");
        }

        _folder = Path.Combine(Path.GetTempPath(), "hdiov-libvirtd-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var sub in new[] { "run", "config", "cache", "data", "home" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, sub));
        }

        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "/usr/bin/setpriv" : libvirtd) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (asRoot)
        {
            foreach (var argument in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", libvirtd })
            {
                start.ArgumentList.Add(argument);
            }

            Chown(_folder);
        }

        start.ArgumentList.Add("--timeout");
        start.ArgumentList.Add("600");
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = Path.Combine(_folder, "home");
        start.Environment["XDG_RUNTIME_DIR"] = Path.Combine(_folder, "run");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(_folder, "config");
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(_folder, "cache");
        start.Environment["XDG_DATA_HOME"] = Path.Combine(_folder, "data");
        _daemon = Process.Start(start)!;
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();

        var socket = Path.Combine(_folder, "run", "libvirt", "libvirt-sock");
        Uri = $"qemu+unix:///session?socket={socket}";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(socket) || Virsh("list", "--all").ExitCode != 0)
        {
            if (_daemon.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"libvirtd did not start (exit {(_daemon.HasExited ? _daemon.ExitCode : -1)}); run it by hand with XDG_RUNTIME_DIR set to see why");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>The URI that reaches this daemon's QEMU driver.</summary>
    public string Uri { get; }

    /// <summary>Defines a shut-off domain with the given extra devices (hostdev XML); returns its name.</summary>
    /// <summary>A simulated <paramref name="profile"/> host whose <c>qemu:///system</c> is this daemon.</summary>
    public TemporarySimulatedHost MappedHost(string profile = "mtty-lab")
    {
        var sim = TemporarySimulatedHost.Create(profile);
        File.WriteAllText(Path.Combine(sim.Root, ".hdiov-sim", "libvirt.json"), $$"""{ "uris": { "qemu:///system": "{{Uri}}" } }""");
        return sim;
    }

    public string DefineDomain(string name, string devices = "", string machine = "pc")
    {
        var file = Path.Combine(_folder, name + ".xml");
        File.WriteAllText(file, $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='{machine}'>hvm</type></os>
              <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>{devices}</devices>
            </domain>
            """);
        var result = Virsh("define", file);
        Assert.True(result.ExitCode == 0, "virsh define failed: " + result.Output);
        return name;
    }

    public string DumpXml(string name, bool inactive = true)
    {
        var result = inactive ? Virsh("dumpxml", "--inactive", name) : Virsh("dumpxml", name);
        Assert.True(result.ExitCode == 0, "virsh dumpxml failed: " + result.Output);
        return result.Output;
    }

    /// <summary>Writes a domain's persistent XML to a file and returns its path (for virt-xml-validate).</summary>
    public string SaveXml(string name)
    {
        var file = Path.Combine(_folder, name + ".dump.xml");
        File.WriteAllText(file, DumpXml(name));
        return file;
    }

    public (int ExitCode, string Output) Virsh(params string[] arguments)
    {
        var start = new ProcessStartInfo("virsh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Uri);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    public void Dispose()
    {
        if (!_daemon.HasExited)
        {
            _daemon.Kill();
            _daemon.WaitForExit(5000);
        }

        _daemon.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static void Chown(string folder)
    {
        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", $"{Nobody}:{Nobody}", folder]) { UseShellExecute = false })!;
        chown.WaitForExit();
    }
}
