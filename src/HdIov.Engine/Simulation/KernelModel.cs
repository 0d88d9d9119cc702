using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
using HdIov.Engine.Platform.BootLoaders;

namespace HdIov.Engine.Simulation;

/// <summary>
/// Answers writes to kernel attributes the way the kernel and the drivers named in the profile do: it
/// changes the tree and throws the errno the kernel would return. Callers hold the simulated host's
/// kernel lock and persist <see cref="SimulationState"/> afterwards.
/// </summary>
internal sealed partial class KernelModel
{
    private const string VfioPci = "vfio-pci";
    private const ulong EcapPasid = 1UL << 40;
    private const ulong EcapSmts = 1UL << 43;

    private static readonly HashSet<string> ReadOnlyAttributes = new(StringComparer.Ordinal)
    {
        "vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision", "resource", "irq", "modalias",
        "sriov_totalvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "available_instances", "name", "device_api",
        "address", "cap", "ecap", "version", "domains_supported", "domains_used", "cpulist", "meminfo", "free_hugepages",
        "surplus_hugepages", "resv_hugepages", "DMAR", "online", "possible", "type", "reserved_regions", "uevent",
        "default_value", "possible_values", "display_name", "display_name_language_code", "pending_reboot",
    };

    private readonly SimTree _tree;
    private readonly SimulatedMachine _machine;
    private readonly SimulationState _state;

    public KernelModel(SimTree tree, SimulatedMachine machine, SimulationState state)
    {
        _tree = tree;
        _machine = machine;
        _state = state;
    }

    private ProfileData Data => _machine.Data;

    /// <summary>Whether the profile's distribution ships the tools of <paramref name="kind"/>.</summary>
    private bool Installed(BootLoaderKind kind) => SimulatedBootLoader.KindOf(Data) == kind;

    /// <summary>A cold boot with <paramref name="cmdline"/>: the kernel's tree is rebuilt, drivers bind, parents register, mdevctl starts auto definitions.</summary>
    public void Boot(string cmdline)
    {
        foreach (var top in new[] { "/sys", "/proc", "/dev" })
        {
            _tree.Remove(top);
        }

        _state.NextIommuGroup = 0;
        _state.Parents.Clear();
        _state.Mdevs.Clear();
        _state.QatAdis.Clear();
        _state.QatDown.Clear();
        _state.DynamicIds.Clear();
        foreach (var attribute in Data.Firmware?.Attributes ?? [])
        {
            _state.Firmware.TryAdd(attribute.Name, attribute.Current);
        }

        _state.FirmwareBooted = new Dictionary<string, string>(_state.Firmware, StringComparer.Ordinal);
        TreeBuilder.BuildVolatile(_tree, _machine, cmdline, DmarPresent() ? Ecap : null, _state.Firmware);
        foreach (var f in _machine.Functions)
        {
            TreeBuilder.RenderFunction(_tree, f.Address, f.Directory, f.Template, f.NumaNode, f.Bars, f.Sriov, NextPciGroup());
        }

        foreach (var f in _machine.Functions)
        {
            if (f.Template.Driver is { } driver && IsLoaded(driver))
            {
                Attach(f.Address.ToString(), driver);
            }
        }

        foreach (var parent in Data.VirtualParents ?? [])
        {
            RegisterPooled(parent.Name, parent.Path, parent.Driver, parent.Mdev);
            Autostart(parent.Name);
        }

        RefreshAvailable();
    }

    /// <summary>One <c>write(2)</c> to a file under the root.</summary>
    public void Write(string hostPath, string value)
    {
        var resolved = _tree.Files.ResolvePath(hostPath);
        if (!_tree.Exists(resolved) || _tree.Files.IsDirectory(resolved))
        {
            throw HostIoException.FromErrno(_tree.Files.IsDirectory(resolved) ? Errno.EISDIR : Errno.ENOENT, hostPath, "open");
        }

        var name = Path.GetFileName(resolved);
        var directory = HostPath.Parent(resolved);
        if (name == "create" && directory.EndsWith("/mdev_supported_types/" + Path.GetFileName(directory), StringComparison.Ordinal))
        {
            var parentDirectory = HostPath.Parent(HostPath.Parent(directory));
            var parent = _state.Parents.FirstOrDefault(p => p.Directory == parentDirectory)
                ?? throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
            CreateMdev(parent, Path.GetFileName(directory), value, hostPath);
            return;
        }

        var mdev = _state.Mdevs.GetValueOrDefault(Path.GetFileName(directory)) is { } candidate && MdevDirectory(candidate) == directory ? candidate : null;
        if (name == "remove" && mdev is not null)
        {
            RemoveMdevAttribute(mdev, value, hostPath);
            return;
        }

        if (directory.StartsWith("/sys/bus/pci/drivers/", StringComparison.Ordinal) && name is "bind" or "unbind" or "new_id" or "remove_id")
        {
            DriverAttribute(Path.GetFileName(directory), name, value, hostPath);
            return;
        }

        if (resolved == "/sys/bus/pci/drivers_probe")
        {
            var bdf = value.TrimEnd('\n');
            if (!PciAddress.TryParse(bdf, out _) || !_tree.Exists($"/sys/bus/pci/devices/{bdf}"))
            {
                throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
            }

            Probe(bdf);
            RefreshAvailable();
            return;
        }

        if (name == "current_value" && Data.Firmware is { } firmware
            && directory.StartsWith($"/sys/devices/virtual/firmware-attributes/{firmware.Driver}/attributes/", StringComparison.Ordinal))
        {
            SetFirmwareAttribute(firmware, Path.GetFileName(directory), value, hostPath);
            return;
        }

        var device = PciDeviceOf(directory);
        switch (name)
        {
            case "sriov_numvfs" when device is not null:
                SetNumVfs(device, value, hostPath);
                return;
            case "sriov_drivers_autoprobe" when device is not null:
                StoreBoolean(resolved, value, hostPath);
                return;
            case "driver_override" when device is not null:
                var driver = value.EndsWith('\n') ? value[..^1] : value;
                _tree.Text(resolved, driver.Length == 0 ? "(null)\n" : driver + "\n");
                return;
            case "nr_hugepages":
                SetHugepages(resolved, value, hostPath);
                return;
            default:
                break;
        }

        if (resolved.StartsWith("/proc/", StringComparison.Ordinal) && !resolved.StartsWith("/proc/sys/", StringComparison.Ordinal)
            || resolved == KernelPaths.BootId
            || resolved.StartsWith("/sys/", StringComparison.Ordinal) && (ReadOnlyAttributes.Contains(name) || name == "config" && value.Length > 4096))
        {
            throw HostIoException.FromErrno(Errno.EACCES, hostPath, "open");
        }

        if (resolved.StartsWith("/sys/", StringComparison.Ordinal) || resolved.StartsWith("/proc/", StringComparison.Ordinal))
        {
            _tree.Text(resolved, value.TrimEnd('\n') + "\n");
        }
        else
        {
            _tree.Text(resolved, value);
        }
    }

    public CommandResult Run(string program, IReadOnlyList<string> arguments) => program switch
    {
        "adf_ctl" or "/usr/local/bin/adf_ctl" or "/usr/bin/adf_ctl" => AdfCtl(arguments),
        "update-grub" or "/usr/sbin/update-grub" when Installed(BootLoaderKind.Grub) && arguments.Count == 0 => UpdateGrub(),
        "update-grub" or "/usr/sbin/update-grub" when Installed(BootLoaderKind.Grub) => new CommandResult(1, string.Empty, "Usage: update-grub\n"),
        "grubby" or SimulatedBootLoader.GrubbyProgram when Installed(BootLoaderKind.Grubby) => SimulatedBootLoader.Grubby(_tree, Data, arguments),
        "kernel-install" or SimulatedBootLoader.KernelInstallProgram when Installed(BootLoaderKind.KernelInstall) => SimulatedBootLoader.KernelInstall(_tree, Data, arguments),
        _ => new CommandResult(127, string.Empty, $"{program}: command not found\n"),
    };
}
