using System.Globalization;
using System.Text;
using System.Text.Json;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

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
        TreeBuilder.BuildVolatile(_tree, _machine, cmdline);
        foreach (var f in _machine.Functions)
        {
            TreeBuilder.RenderFunction(_tree, f.Address, f.Directory, f.Template, f.NumaNode, f.Bars, f.Sriov, _state.NextIommuGroup++);
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

        var mdev = _state.Mdevs.FirstOrDefault(m => MdevDirectory(m) == directory);
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
        "update-grub" or "/usr/sbin/update-grub" when arguments.Count == 0 => UpdateGrub(),
        "update-grub" or "/usr/sbin/update-grub" => new CommandResult(1, string.Empty, "Usage: update-grub\n"),
        _ => new CommandResult(127, string.Empty, $"{program}: command not found\n"),
    };

    // ----- mediated devices -------------------------------------------------------------------------

    private void CreateMdev(ParentState parent, string typeId, string value, string hostPath)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length is not (36 or 37) || !TryParseUuid(value[..36], out var uuid))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        if (_state.Mdevs.Any(m => m.Uuid == uuid))
        {
            throw HostIoException.FromErrno(Errno.EEXIST, hostPath, "write");
        }

        var type = parent.Types.FirstOrDefault(t => t.Id == typeId) ?? throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
        if (Available(parent, type) <= 0)
        {
            throw HostIoException.FromErrno(parent.ExhaustedErrno, hostPath, "write");
        }

        AddMdev(parent, type, uuid);
        RefreshAvailable();
    }

    private void RemoveMdevAttribute(MdevState mdev, string value, string hostPath)
    {
        if (!TryParseKernelNumber(value, out var number))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        if (number != 0)
        {
            DropMdev(mdev);
            RefreshAvailable();
        }
    }

    private void AddMdev(ParentState parent, TypeState type, string uuid)
    {
        var group = _state.NextIommuGroup++;
        var mdev = new MdevState(uuid, parent.Name, type.Id, group);
        var dir = MdevDirectory(mdev);
        var typeDir = $"{parent.Directory}/mdev_supported_types/{type.Id}";
        _tree.Text($"{dir}/remove", string.Empty);
        _tree.Text($"{dir}/uevent", $"MDEV_TYPE={type.Id}\n");
        _tree.Link($"{dir}/mdev_type", typeDir);
        _tree.Link($"{dir}/subsystem", "/sys/bus/mdev");
        _tree.Link($"{dir}/driver", $"/sys/bus/mdev/drivers/{Data.MdevDriver}");
        _tree.Link($"/sys/bus/mdev/drivers/{Data.MdevDriver}/{uuid}", dir);
        _tree.Link($"/sys/bus/mdev/devices/{uuid}", dir);
        _tree.Link($"{typeDir}/devices/{uuid}", dir);
        TreeBuilder.AddToGroup(_tree, group, dir, uuid);
        AddVfioGroup(group);
        _state.Mdevs.Add(mdev);
    }

    private void DropMdev(MdevState mdev)
    {
        var parent = _state.Parents.First(p => p.Name == mdev.Parent);
        _tree.Remove($"/sys/bus/mdev/devices/{mdev.Uuid}");
        _tree.Remove($"/sys/bus/mdev/drivers/{Data.MdevDriver}/{mdev.Uuid}");
        _tree.Remove($"{parent.Directory}/mdev_supported_types/{mdev.Type}/devices/{mdev.Uuid}");
        _tree.Remove($"/sys/kernel/iommu_groups/{mdev.Group}");
        _tree.Remove($"/dev/vfio/{mdev.Group}");
        _tree.Remove(MdevDirectory(mdev));
        _state.Mdevs.Remove(mdev);
    }

    private string MdevDirectory(MdevState mdev) => $"{_state.Parents.First(p => p.Name == mdev.Parent).Directory}/{mdev.Uuid}";

    private int Available(ParentState parent, TypeState type)
    {
        if (parent.BlockedBySriov && NumVfs(parent.Name) > 0)
        {
            return 0;
        }

        if (type.Capacity is { } capacity)
        {
            return capacity - _state.Mdevs.Count(m => m.Parent == parent.Name && m.Type == type.Id);
        }

        var used = 0;
        foreach (var m in _state.Mdevs)
        {
            var owner = _state.Parents.First(p => p.Name == m.Parent);
            if (owner.BudgetGroup == parent.BudgetGroup)
            {
                used += owner.Types.First(t => t.Id == m.Type).Cost;
            }
        }

        return Math.Max(0, parent.Budget - used) / type.Cost;
    }

    private void RefreshAvailable()
    {
        foreach (var parent in _state.Parents)
        {
            foreach (var type in parent.Types)
            {
                var text = parent.AvailableText ?? Available(parent, type).ToString(CultureInfo.InvariantCulture);
                _tree.Text($"{parent.Directory}/mdev_supported_types/{type.Id}/available_instances", text + "\n");
            }
        }
    }

    private void Register(ParentState parent)
    {
        _state.Parents.Add(parent);
        foreach (var type in parent.Types)
        {
            var dir = $"{parent.Directory}/mdev_supported_types/{type.Id}";
            _tree.Text($"{dir}/name", type.Name + "\n");
            _tree.Text($"{dir}/device_api", type.DeviceApi + "\n");
            _tree.Text($"{dir}/create", string.Empty);
            _tree.MakeDirectory($"{dir}/devices");
        }

        _tree.Link($"/sys/class/mdev_bus/{parent.Name}", parent.Directory);
        RefreshAvailable();
    }

    /// <summary>The parent driver unregisters from mdev: its mdevs go away with it.</summary>
    private void Unregister(string name)
    {
        var parent = _state.Parents.FirstOrDefault(p => p.Name == name);
        if (parent is null)
        {
            return;
        }

        foreach (var mdev in _state.Mdevs.Where(m => m.Parent == name).ToList())
        {
            DropMdev(mdev);
        }

        _tree.Remove($"{parent.Directory}/mdev_supported_types");
        _tree.Remove($"/sys/class/mdev_bus/{name}");
        _state.Parents.Remove(parent);
        RefreshAvailable();
    }

    private void RegisterPooled(string name, string directory, string driver, MdevParentData mdev) =>
        Register(new ParentState(
            name,
            directory,
            driver,
            mdev.BudgetGroup ?? name,
            mdev.Budget,
            ParseErrno(mdev.ExhaustedErrno),
            mdev.AvailableText,
            BlockedBySriov: false,
            (mdev.Types ?? []).Select(t => new TypeState($"{driver}-{t.Name}", t.DisplayName.Replace("{parent}", name, StringComparison.Ordinal), t.DeviceApi, null, Math.Max(1, t.Cost))).ToList()));

    /// <summary>What mdevctl's udev rule does when a parent registers: start its "auto" definitions in UUID order, skipping those that fail.</summary>
    private void Autostart(string parentName)
    {
        var parent = _state.Parents.FirstOrDefault(p => p.Name == parentName);
        if (parent is null || !HostPath.IsSafeSegment(parentName))
        {
            return;
        }

        foreach (var file in _tree.List($"/etc/mdevctl.d/{parentName}"))
        {
            if (!TryParseUuid(file, out var uuid) || uuid != file || _state.Mdevs.Any(m => m.Uuid == uuid))
            {
                continue;
            }

            var definition = ReadDefinition($"/etc/mdevctl.d/{parentName}/{file}");
            if (definition is not { Start: "auto", Attributes: 0 } auto)
            {
                continue;
            }

            var type = parent.Types.FirstOrDefault(t => t.Id == auto.Type);
            if (type is not null && Available(parent, type) > 0)
            {
                AddMdev(parent, type, uuid);
            }
        }

        RefreshAvailable();
    }

    private (string Type, string Start, int Attributes)? ReadDefinition(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(_tree.ReadText(path));
            var root = document.RootElement;
            var attributes = root.TryGetProperty("attrs", out var attrs) && attrs.ValueKind == JsonValueKind.Array ? attrs.GetArrayLength() : 0;
            return (root.GetProperty("mdev_type").GetString() ?? string.Empty, root.GetProperty("start").GetString() ?? string.Empty, attributes);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    // ----- PCI drivers and SR-IOV ------------------------------------------------------------------

    private bool IsLoaded(string driver) => Data.PciDrivers.Contains(driver);

    private string? PciDeviceOf(string directory)
    {
        var name = Path.GetFileName(directory);
        return PciAddress.TryParse(name, out _) && _tree.LinkTarget($"/sys/bus/pci/devices/{name}") == directory ? name : null;
    }

    private string DeviceDirectory(string bdf) => _tree.LinkTarget($"/sys/bus/pci/devices/{bdf}")!;

    private string? CurrentDriver(string bdf)
    {
        var target = _tree.LinkTarget($"{DeviceDirectory(bdf)}/driver");
        return target is null ? null : Path.GetFileName(target);
    }

    private int GroupOf(string directory) => int.Parse(Path.GetFileName(_tree.LinkTarget($"{directory}/iommu_group")!), CultureInfo.InvariantCulture);

    private string? DefaultDriver(string bdf)
    {
        if (_machine.Find(bdf) is { } function)
        {
            return function.Template.Driver;
        }

        var pf = _tree.LinkTarget($"{DeviceDirectory(bdf)}/physfn");
        return pf is null ? null : _machine.Find(Path.GetFileName(pf))?.Sriov?.VfTemplate.Driver;
    }

    private string? Override(string bdf)
    {
        var text = _tree.ReadText($"{DeviceDirectory(bdf)}/driver_override").TrimEnd('\n');
        return text == "(null)" ? null : text;
    }

    private bool Matches(string bdf, string driver)
    {
        if (Override(bdf) is { } forced)
        {
            return forced == driver;
        }

        if (DefaultDriver(bdf) == driver)
        {
            return true;
        }

        var dir = DeviceDirectory(bdf);
        var id = $"{_tree.ReadText($"{dir}/vendor").Trim()[2..]}:{_tree.ReadText($"{dir}/device").Trim()[2..]}";
        return _state.DynamicIds.TryGetValue(driver, out var ids) && ids.Contains(id);
    }

    private void Probe(string bdf)
    {
        if (CurrentDriver(bdf) is not null)
        {
            return;
        }

        var driver = Data.PciDrivers.FirstOrDefault(d => d == Override(bdf))
            ?? (Override(bdf) is null ? Data.PciDrivers.FirstOrDefault(d => Matches(bdf, d)) : null);
        if (driver is not null)
        {
            Attach(bdf, driver);
        }
    }

    private void Attach(string bdf, string driver)
    {
        var dir = DeviceDirectory(bdf);
        _tree.Link($"{dir}/driver", $"/sys/bus/pci/drivers/{driver}");
        _tree.Link($"/sys/bus/pci/drivers/{driver}/{bdf}", dir);
        if (driver == VfioPci)
        {
            AddVfioGroup(GroupOf(dir));
        }

        if (_machine.Find(bdf) is { Template.Mdev: not null } function && function.Template.Driver == driver)
        {
            StartParent(function);
        }
    }

    private void Detach(string bdf)
    {
        var driver = CurrentDriver(bdf);
        if (driver is null)
        {
            return;
        }

        if (_machine.Find(bdf) is { } function)
        {
            Unregister(bdf);
            if (function.Sriov is not null && NumVfs(bdf) > 0)
            {
                DisableVfs(function);
            }

            _state.QatAdis.Remove(bdf);
        }

        var dir = DeviceDirectory(bdf);
        _tree.Remove($"{dir}/driver");
        _tree.Remove($"/sys/bus/pci/drivers/{driver}/{bdf}");
        if (driver == VfioPci)
        {
            _tree.Remove($"/dev/vfio/{GroupOf(dir)}");
        }
    }

    private void DriverAttribute(string driver, string attribute, string value, string hostPath)
    {
        var argument = value.TrimEnd('\n');
        switch (attribute)
        {
            case "unbind":
                if (!PciAddress.TryParse(argument, out _) || !_tree.Exists($"/sys/bus/pci/devices/{argument}") || CurrentDriver(argument) != driver)
                {
                    throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
                }

                Detach(argument);
                break;
            case "bind":
                if (!PciAddress.TryParse(argument, out _) || !_tree.Exists($"/sys/bus/pci/devices/{argument}")
                    || CurrentDriver(argument) is not null || !Matches(argument, driver))
                {
                    throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
                }

                Attach(argument, driver);
                break;
            default:
                DynamicId(driver, attribute, argument, hostPath);
                break;
        }

        RefreshAvailable();
    }

    private void DynamicId(string driver, string attribute, string argument, string hostPath)
    {
        var fields = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2
            || !ushort.TryParse(fields[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var vendor)
            || !ushort.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var device))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{vendor:x4}:{device:x4}");
        if (!_state.DynamicIds.TryGetValue(driver, out var ids))
        {
            ids = _state.DynamicIds[driver] = [];
        }

        if (attribute == "remove_id")
        {
            if (!ids.Remove(id))
            {
                throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
            }

            return;
        }

        if (ids.Contains(id))
        {
            throw HostIoException.FromErrno(Errno.EEXIST, hostPath, "write");
        }

        ids.Add(id);
        foreach (var bdf in _tree.List("/sys/bus/pci/devices"))
        {
            if (CurrentDriver(bdf) is null && Matches(bdf, driver))
            {
                Attach(bdf, driver);
            }
        }
    }

    private int NumVfs(string bdf)
    {
        var path = $"/sys/bus/pci/devices/{bdf}/sriov_numvfs";
        return _tree.Exists(path) ? int.Parse(_tree.ReadText(path).Trim(), CultureInfo.InvariantCulture) : 0;
    }

    private void SetNumVfs(string bdf, string value, string hostPath)
    {
        var function = _machine.Find(bdf);
        if (function?.Sriov is null)
        {
            throw HostIoException.FromErrno(Errno.ENOENT, hostPath, "write");
        }

        if (!TryParseKernelNumber(value, out var requested))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        if (requested > (ulong)function.Sriov.TotalVfs)
        {
            throw HostIoException.FromErrno(Errno.ERANGE, hostPath, "write");
        }

        var current = NumVfs(bdf);
        if (requested == (ulong)current)
        {
            return;
        }

        if (CurrentDriver(bdf) is not { } driver)
        {
            throw HostIoException.FromErrno(Errno.ENOENT, hostPath, "write");
        }

        if (requested == 0)
        {
            DisableVfs(function);
            return;
        }

        if (current != 0)
        {
            throw HostIoException.FromErrno(Errno.EBUSY, hostPath, "write");
        }

        if (driver == function.Template.Driver && _state.QatAdis.TryGetValue(bdf, out var adis) && adis > 0)
        {
            throw HostIoException.FromErrno(Errno.EBUSY, hostPath, "write");
        }

        EnableVfs(function, (int)requested);
    }

    private void EnableVfs(MachineFunction pf, int count)
    {
        var sriov = pf.Sriov!;
        var autoprobe = _tree.ReadText($"{pf.Directory}/sriov_drivers_autoprobe").Trim() == "1";
        var created = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var vf = SimulatedMachine.VfAddress(pf, i);
            var dir = SimulatedMachine.DeviceDirectory(vf, pf.Address);
            TreeBuilder.RenderFunction(_tree, vf, dir, sriov.VfTemplate, pf.NumaNode, SimulatedMachine.VfBars(pf, i), null, _state.NextIommuGroup++);
            _tree.Link($"{dir}/physfn", pf.Directory);
            _tree.Link($"{pf.Directory}/virtfn{i}", dir);
            created.Add(vf.ToString());
        }

        SetNumVfsFile(pf, count);
        if (autoprobe)
        {
            created.ForEach(Probe);
        }

        RefreshAvailable();
    }

    private void DisableVfs(MachineFunction pf)
    {
        var count = NumVfs(pf.Address.ToString());
        for (var i = 0; i < count; i++)
        {
            var vf = SimulatedMachine.VfAddress(pf, i).ToString();
            if (!_tree.Exists($"/sys/bus/pci/devices/{vf}"))
            {
                continue;
            }

            Detach(vf);
            var dir = DeviceDirectory(vf);
            _tree.Remove($"/sys/kernel/iommu_groups/{GroupOf(dir)}");
            _tree.Remove($"/sys/bus/pci/devices/{vf}");
            _tree.Remove(dir);
            _tree.Remove($"{pf.Directory}/virtfn{i}");
        }

        SetNumVfsFile(pf, 0);
        RefreshAvailable();
    }

    private void SetNumVfsFile(MachineFunction pf, int count)
    {
        _tree.Text($"{pf.Directory}/sriov_numvfs", count.ToString(CultureInfo.InvariantCulture) + "\n");
        var config = _tree.ReadBytes($"{pf.Directory}/config");
        ConfigSpaceBuilder.SetNumVfs(config, count);
        _tree.Bytes($"{pf.Directory}/config", config);
    }

    private void AddVfioGroup(int group)
    {
        _tree.Text("/dev/vfio/vfio", string.Empty);
        _tree.Text($"/dev/vfio/{group}", string.Empty);
    }

    // ----- parents: QAT and pooled SIOV devices ---------------------------------------------------

    private void StartParent(MachineFunction function)
    {
        var mdev = function.Template.Mdev!;
        var bdf = function.Address.ToString();
        if (mdev.Model == "qat")
        {
            StartQat(function);
        }
        else if (SiovCapable(function))
        {
            RegisterPooled(bdf, function.Directory, function.Template.Driver!, mdev);
        }

        Autostart(bdf);
    }

    /// <summary>
    /// True when the out-of-tree SIOV driver can enable the IOMMU aux-domain feature for this function:
    /// PASID capability (and the BAR0 size the profile demands), every VT-d unit with SMTS and PASID, and sm_on on the command line.
    /// </summary>
    private bool SiovCapable(MachineFunction function)
    {
        var mdev = function.Template.Mdev!;
        if (!mdev.RequiresScalableIommu)
        {
            return true;
        }

        var hasPasid = function.Template.ExtendedCapabilities.Any(c => c.Id == "pasid");
        var bar0 = function.Template.Bars.FirstOrDefault(b => b.Index == 0);
        var barOk = mdev.MinBar0Size is null || (bar0 is not null && Hex.Parse(bar0.Size, "bar size") >= Hex.Parse(mdev.MinBar0Size, "minBar0Size"));
        var units = Data.Iommu.Units.All(u => (Hex.Parse(u.Ecap, "ecap") & (EcapSmts | EcapPasid)) == (EcapSmts | EcapPasid));
        return hasPasid && barOk && units && ScalableModeRequested();
    }

    private bool ScalableModeRequested()
    {
        var enabled = false;
        foreach (var argument in _tree.ReadText("/proc/cmdline").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!argument.StartsWith("intel_iommu=", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var token in argument["intel_iommu=".Length..].Split(','))
            {
                enabled = token switch
                {
                    "sm_on" => true,
                    "sm_off" or "off" => false,
                    _ => enabled,
                };
            }
        }

        return enabled;
    }

    /// <summary>Starts one QAT PF as the out-of-tree driver does: reads its config, checks the ring-pair budget, registers the ADI types.</summary>
    private (bool Ok, string Message) StartQat(MachineFunction function)
    {
        var bdf = function.Address.ToString();
        var mdev = function.Template.Mdev!;
        var path = $"/etc/{function.Template.Driver}_dev{_machine.QatIndex(bdf)}.conf";
        _state.QatAdis.Remove(bdf);
        if (!_state.QatDown.Contains(bdf))
        {
            _state.QatDown.Add(bdf);
        }

        if (!_tree.Exists(path))
        {
            return (false, $"Error: cannot open {path}\n");
        }

        var (config, error) = QatConfigFile.Parse(_tree.ReadText(path), path);
        if (config is null)
        {
            return (false, error + "\n");
        }

        if (config.NumberAdis + config.KernelInstances > mdev.Banks)
        {
            return (false, "Not enough resource for ADI.\n");
        }

        _state.QatDown.Remove(bdf);
        _state.QatAdis[bdf] = config.NumberAdis;
        if (config.NumberAdis == 0)
        {
            return (true, string.Empty);
        }

        if (!SiovCapable(function))
        {
            return (true, $"{bdf}: Scalable IOV is not available (the IOMMU lacks scalable mode with PASID, or intel_iommu=sm_on is missing); no ADI types registered\n");
        }

        var driver = function.Template.Driver!;
        var perType = config.NumberAdis / config.Services.Count;
        Register(new ParentState(
            bdf,
            function.Directory,
            driver,
            bdf,
            0,
            ParseErrno(mdev.ExhaustedErrno),
            null,
            BlockedBySriov: true,
            config.Services.Order(StringComparer.Ordinal).Select(s => new TypeState($"{driver}-vqat_{s}", $"{driver}-vqat_{s}", "vfio-pci", perType, 1)).ToList()));
        return (true, string.Empty);
    }

    private CommandResult AdfCtl(IReadOnlyList<string> arguments)
    {
        const string Usage = "Usage: adf_ctl [qat_dev<N>] [up | down | restart | status]\n";
        var pfs = _machine.QatPfs.ToList();
        List<string> targets;
        string action;
        if (arguments.Count == 1)
        {
            targets = pfs;
            action = arguments[0];
        }
        else if (arguments.Count == 2 && QatDevice().Match(arguments[0]) is { Success: true } m
            && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < pfs.Count)
        {
            targets = [pfs[index]];
            action = arguments[1];
        }
        else
        {
            return new CommandResult(1, string.Empty, Usage);
        }

        if (action == "status")
        {
            return new CommandResult(0, Status(pfs, targets), string.Empty);
        }

        if (action is not ("up" or "down" or "restart"))
        {
            return new CommandResult(1, string.Empty, Usage);
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        foreach (var bdf in targets)
        {
            var function = _machine.Find(bdf)!;
            var name = $"qat_dev{pfs.IndexOf(bdf)}";
            if (CurrentDriver(bdf) != function.Template.Driver)
            {
                errors.Append(CultureInfo.InvariantCulture, $"{name} ({bdf}) is not bound to the {function.Template.Driver} driver\n");
                continue;
            }

            if (action is "down" or "restart")
            {
                output.Append(CultureInfo.InvariantCulture, $"Stopping {name} ({bdf})\n");
                Unregister(bdf);
                if (NumVfs(bdf) > 0)
                {
                    DisableVfs(function);
                }

                _state.QatAdis.Remove(bdf);
                if (!_state.QatDown.Contains(bdf))
                {
                    _state.QatDown.Add(bdf);
                }
            }

            if (action is "up" or "restart")
            {
                output.Append(CultureInfo.InvariantCulture, $"Starting {name} ({bdf}) with /etc/{function.Template.Driver}_dev{pfs.IndexOf(bdf)}.conf\n");
                var (ok, message) = StartQat(function);
                (ok ? output : errors).Append(message);
                Autostart(bdf);
            }
        }

        RefreshAvailable();
        return new CommandResult(errors.Length == 0 ? 0 : 1, output.ToString(), errors.ToString());
    }

    private string Status(List<string> pfs, List<string> targets)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Checking status of all devices.\nThere is {pfs.Count} QAT acceleration device(s) in the system:\n");
        foreach (var bdf in targets)
        {
            var function = _machine.Find(bdf)!;
            var state = _state.QatDown.Contains(bdf) || CurrentDriver(bdf) != function.Template.Driver ? "down" : "up";
            text.Append(CultureInfo.InvariantCulture, $" qat_dev{pfs.IndexOf(bdf)} - type: {function.Template.Driver},  inst_id: {pfs.IndexOf(bdf)},  node_id: {function.NumaNode},  bsf: {bdf},  #accel: 1 #engines: 9 state: {state}\n");
        }

        return text.ToString();
    }

    // ----- GRUB and hugepages ------------------------------------------------------------------------

    private CommandResult UpdateGrub()
    {
        if (!_tree.Exists("/etc/default/grub"))
        {
            return new CommandResult(1, string.Empty, "/usr/sbin/grub-mkconfig: /etc/default/grub: No such file or directory\n");
        }

        _tree.Text("/boot/grub/grub.cfg", GrubConfig.GenerateCfg(_tree.ReadText("/etc/default/grub"), Data.KernelRelease, Data.Grub.Root));
        return new CommandResult(0, string.Empty, $"Generating grub configuration file ...\nFound linux image: /boot/vmlinuz-{Data.KernelRelease}\ndone\n");
    }

    private void SetHugepages(string resolved, string value, string hostPath)
    {
        if (!TryParseKernelNumber(value, out var pages) || pages > (ulong)int.MaxValue)
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        var text = pages.ToString(CultureInfo.InvariantCulture) + "\n";
        _tree.Text(resolved, text);
        _tree.Text($"{HostPath.Parent(resolved)}/free_hugepages", text);
        var size = Path.GetFileName(HostPath.Parent(resolved));
        if (resolved.StartsWith("/sys/devices/system/node/", StringComparison.Ordinal))
        {
            var total = Enumerable.Range(0, Data.NumaNodes)
                .Sum(n => long.Parse(_tree.ReadText($"/sys/devices/system/node/node{n}/hugepages/{size}/nr_hugepages").Trim(), CultureInfo.InvariantCulture));
            var global = total.ToString(CultureInfo.InvariantCulture) + "\n";
            _tree.Text($"/sys/kernel/mm/hugepages/{size}/nr_hugepages", global);
            _tree.Text($"/sys/kernel/mm/hugepages/{size}/free_hugepages", global);
        }
    }

    private void StoreBoolean(string resolved, string value, string hostPath)
    {
        var text = value.TrimEnd('\n');
        var parsed = text switch
        {
            "1" or "y" or "Y" or "on" => "1",
            "0" or "n" or "N" or "off" => "0",
            _ => throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write"),
        };
        _tree.Text(resolved, parsed + "\n");
    }

    // ----- parsing as the kernel does ------------------------------------------------------------

    /// <summary>kstrtoul with base 0: decimal, 0x-hex or 0-octal, one optional trailing newline.</summary>
    internal static bool TryParseKernelNumber(string value, out ulong number)
    {
        number = 0;
        var text = value.EndsWith('\n') ? value[..^1] : value;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return text.Length > 2 && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
        }

        if (text.Length > 1 && text[0] == '0')
        {
            try
            {
                number = text.All(c => c is >= '0' and <= '7') ? Convert.ToUInt64(text, 8) : throw new FormatException();
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return text.All(char.IsAsciiDigit) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>uuid_parse: 8-4-4-4-12 hex digits in either case; the result in the kernel's lower-case form.</summary>
    internal static bool TryParseUuid(string text, out string uuid)
    {
        uuid = string.Empty;
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < 36; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        uuid = text.ToLowerInvariant();
        return true;
    }

    private static Errno ParseErrno(string name) =>
        Enum.TryParse<Errno>(name, out var errno) ? errno : throw new FormatException($"profile exhaustedErrno '{name}' is not an errno name");

    [System.Text.RegularExpressions.GeneratedRegex("^qat_dev([0-9]{1,3})$")]
    private static partial System.Text.RegularExpressions.Regex QatDevice();
}
