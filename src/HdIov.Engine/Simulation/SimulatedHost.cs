using HdIov.Engine.Attachments;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>
/// A folder laid out like <c>/</c> whose kernel is a model: reads go to the tree, writes to kernel
/// attributes are answered by <see cref="KernelModel"/> with the kernel's errno values. Several processes
/// may use one simulated host; the model serialises on <c>.hdiov-sim/kernel.lock</c>.
/// </summary>
public sealed class SimulatedHost : IHost
{
    private const string PausedMarker = TreeBuilder.StateDirectory + "/paused";
    // The host's libvirt answers for qemu:///system (Attachments.LibvirtUriMap reads this file).
    private const string OwnLibvirtMap = """
        { "libvirtd": [ "qemu:///system" ] }

        """;
    private static readonly TimeSpan PausePoll = TimeSpan.FromMilliseconds(10);

    private readonly RootedFileSystem _files;
    private readonly SimulationStore _store;
    private readonly SimTree _tree;
    private readonly SimulatedMachine _machine;
    private readonly SimulatedHostProfile _profile;

    private SimulatedHost(SimulationStore store, SimulatedHostProfile profile)
    {
        _store = store;
        _files = store.Files;
        _tree = new SimTree(_files);
        _profile = profile;
        _machine = new SimulatedMachine(profile.Data);
        Libvirtd = new SimulatedLibvirtd(this);
    }

    public string Root => _files.Root;

    public bool IsSimulated => true;

    public string ProfileName => _profile.Name;

    public SimulatedHostProfile Profile => _profile;

    /// <summary>The host's own libvirt, which <c>.hdiov-sim/libvirt.json</c> names for <c>qemu:///system</c>; started on first use.</summary>
    public SimulatedLibvirtd Libvirtd { get; }

    public KernelRelease KernelRelease => new("Linux", _profile.KernelRelease, "x86_64");

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>Host writes (WriteAttribute, WriteFile, DeleteFile, Run) since the host was created or its faults last cleared.</summary>
    public int WriteCount => _store.Transact(t => t.Counter.WriteCount);

    /// <summary>Builds a simulated host of <paramref name="profileName"/> in <paramref name="root"/> and boots it.</summary>
    /// <param name="root">An empty or absent folder; with <paramref name="force"/>, also a previous simulated host, which is wiped.</param>
    /// <param name="profileName">One of <see cref="SimulatedHostProfiles.All"/>.</param>
    /// <param name="force">Replace a previous simulated host in <paramref name="root"/>. Never wipes a folder that is not one.</param>
    public static SimulatedHost Create(string root, string profileName, bool force = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var profile = SimulatedHostProfiles.Get(profileName);
        var full = Path.GetFullPath(root);
        if (full == "/")
        {
            throw new ArgumentException("a simulated host cannot be created at /; give it a folder of its own", nameof(root));
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            if (!force)
            {
                throw new IOException($"{full} is not empty; pick an empty folder, or pass force to replace the simulated host in it");
            }

            if (!IsSimulatedRoot(full))
            {
                throw new IOException($"{full} is not empty and is not a simulated host (no .hdiov-sim/state.json); force only replaces a previous simulated host, so pick another folder");
            }

            Open(full).Libvirtd.Stop();
            foreach (var entry in new DirectoryInfo(full).EnumerateFileSystemInfos())
            {
                new SimTree(new RootedFileSystem(full)).Remove("/" + entry.Name);
            }
        }

        var host = new SimulatedHost(new SimulationStore(new RootedFileSystem(full)), profile);
        TreeBuilder.BuildPersistent(host._tree, host._machine);
        host._store.Initialise(profile.Name);
        File.WriteAllText(Path.Combine(full, LibvirtUriMap.Path.TrimStart('/')), OwnLibvirtMap);
        host.Reboot();
        return host;
    }

    public static SimulatedHost Open(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (!IsSimulatedRoot(full))
        {
            throw new ArgumentException($"{full} is not a simulated host (no .hdiov-sim/state.json); create one with New-HdIovSimulatedHost", nameof(root));
        }

        var store = new SimulationStore(new RootedFileSystem(full));
        return new SimulatedHost(store, SimulatedHostProfiles.Get(store.Transact(t => t.State.Profile)));
    }

    public static bool IsSimulatedRoot(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return SimulationStore.Exists(Path.GetFullPath(root));
    }

    /// <summary>
    /// A reboot: the host's libvirtd stops (its VMs' definitions stay; the next use starts it again), boot arguments come from the boot loader's configuration (/boot/grub/grub.cfg, or the BLS entry of the
    /// kernel for grubby and kernel-install hosts); mdevs and VFs are gone, drivers and
    /// driver_override are back to defaults, QAT configs are re-read, parents register and mdevctl starts
    /// the "auto" definitions.
    /// </summary>
    public void Reboot()
    {
        Libvirtd.Stop();
        _store.Transact(
            t =>
            {
                Model(t.State).Boot(SimulatedBootLoader.BootedCmdline(_tree, _profile.Data));
                return true;
            });
    }

    public void InjectFault(SimulatedFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.AtWrite, 1);
        _store.Transact(
            t =>
            {
                t.Counter.Faults.Add(new FaultEntry(fault.AtWrite, fault.Errno, fault.Crash, t.Counter.WriteCount));
                return true;
            });
    }

    /// <summary>
    /// The <paramref name="atWrite"/>-th host write from now (1-based) waits before it is made, with
    /// <c>.hdiov-sim/paused</c> present, until <see cref="ResumeWrites"/>: a test stops or inspects an apply at a
    /// write of its choosing, in whatever process makes the write. The simulator makes the same writes for the same
    /// plan, so a write number is a place in the apply.
    /// </summary>
    public void PauseBeforeWrite(int atWrite)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(atWrite, 1);
        _store.Transact(
            t =>
            {
                t.Counter.Pauses.Add(t.Counter.WriteCount + atWrite);
                return true;
            });
    }

    /// <summary>Whether a write waits at a pause of <see cref="PauseBeforeWrite"/>.</summary>
    public bool IsPaused => _files.Exists(PausedMarker);

    /// <summary>Lets a write that waits at a pause go on.</summary>
    public void ResumeWrites()
    {
        if (_files.Exists(PausedMarker))
        {
            _files.DeleteFile(PausedMarker);
        }
    }

    public void ClearFaults() => _store.Transact(
        t =>
        {
            t.Counter.Faults.Clear();
            t.Counter.WriteCount = 0;
            return true;
        });

    public bool Exists(string path) => _files.Exists(path);

    public bool IsDirectory(string path) => _files.IsDirectory(path);

    public string ReadText(string path) => _files.ReadText(path);

    public byte[] ReadBytes(string path) => _files.ReadBytes(path);

    public string? TryReadText(string path) => _files.TryReadText(path);

    public byte[]? TryReadBytes(string path) => _files.TryReadBytes(path);

    public IReadOnlyList<string> ListDirectory(string path) => _files.ListDirectory(path);

    public string? ReadLink(string path) => _files.ReadLink(path);

    public string ResolvePath(string path) => _files.ResolvePath(path);

    public void WriteAttribute(string path, string value)
    {
        HostPath.Validate(path);
        ArgumentNullException.ThrowIfNull(value);
        Counted(path, "write", t => Model(t.State).Write(path, value));
    }

    public void WriteFile(string path, string content)
    {
        HostPath.Validate(path);
        ArgumentNullException.ThrowIfNull(content);
        Counted(path, "write", _ =>
        {
            if (IsKernelTree(path))
            {
                throw HostIoException.FromErrno(Errno.EACCES, path, "write");
            }

            _files.WriteFile(path, content);
        });
    }

    public void AppendFile(string path, string content)
    {
        HostPath.Validate(path);
        ArgumentNullException.ThrowIfNull(content);
        Counted(path, "append", _ =>
        {
            if (IsKernelTree(path))
            {
                throw HostIoException.FromErrno(Errno.EACCES, path, "write");
            }

            _files.AppendFile(path, content);
        });
    }

    public void DeleteFile(string path)
    {
        HostPath.Validate(path);
        Counted(path, "delete", _ =>
        {
            if (IsKernelTree(path))
            {
                throw HostIoException.FromErrno(Errno.EPERM, path, "delete");
            }

            _files.DeleteFile(path);
        });
    }

    public void DeleteDirectory(string path)
    {
        HostPath.Validate(path);
        Counted(path, "rmdir", _ =>
        {
            if (IsKernelTree(path))
            {
                throw HostIoException.FromErrno(Errno.EPERM, path, "rmdir");
            }

            _files.DeleteDirectory(path);
        });
    }

    public CommandResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(arguments);
        cancellationToken.ThrowIfCancellationRequested();
        return _store.Transact(
            t =>
            {
                if (t.Counter.Count() is { } fault)
                {
                    return fault.Crash
                        ? throw new SimulatedCrashException($"simulated crash before running {program}")
                        : new CommandResult(1, string.Empty, $"{program}: simulated failure ({fault.Errno})\n");
                }

                return Model(t.State).Run(program, arguments);
            });
    }

    public CpuIdResult CpuId(uint leaf, uint subleaf) => SimulatedCpuId.Answer(_profile.Data.Cpu, leaf, subleaf);

    public IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        FileLock.Acquire(_files, path, timeout, () => Now, cancellationToken);

    private static bool IsKernelTree(string path) =>
        path.StartsWith("/sys/", StringComparison.Ordinal) || path.StartsWith("/proc/", StringComparison.Ordinal);

    private KernelModel Model(SimulationState state) => new(_tree, _machine, state);

    /// <summary>Counts one host write, fires a planned fault instead of it, or performs it (after a planned pause).</summary>
    private void Counted(string path, string operation, Action<SimulationTransaction> write)
    {
        var paused = _store.Transact(
            t =>
            {
                if (t.Counter.Count() is { } fault)
                {
                    throw fault.Crash
                        ? new SimulatedCrashException($"simulated crash before {operation} {path}")
                        : HostIoException.FromErrno(fault.Errno, path, operation);
                }

                if (t.Counter.PauseDue())
                {
                    return true;
                }

                write(t);
                return false;
            });
        if (paused)
        {
            // Outside the transaction: other processes and threads keep using the host while this write waits.
            _files.WriteFile(PausedMarker, $"{operation} {path}\n");
            while (_files.Exists(PausedMarker))
            {
                Thread.Sleep(PausePoll);
            }

            _store.Transact(
                t =>
                {
                    write(t);
                    return true;
                });
        }
    }
}
