using System.Globalization;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>The kernel model: PCI drivers and SR-IOV.</summary>
internal sealed partial class KernelModel
{
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

    private int? GroupOf(string directory) =>
        _tree.LinkTarget($"{directory}/iommu_group") is { } group ? int.Parse(Path.GetFileName(group), CultureInfo.InvariantCulture) : null;

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

    /// <summary>Binds <paramref name="driver"/>; false when its probe fails (vfio-pci refuses a device in no IOMMU group with -EINVAL).</summary>
    private bool Attach(string bdf, string driver)
    {
        var dir = DeviceDirectory(bdf);
        if (driver == VfioPci && GroupOf(dir) is null)
        {
            return false;
        }

        _tree.Link($"{dir}/driver", $"/sys/bus/pci/drivers/{driver}");
        _tree.Link($"/sys/bus/pci/drivers/{driver}/{bdf}", dir);
        if (driver == VfioPci)
        {
            AddVfioGroup(GroupOf(dir)!.Value);
        }

        if (_machine.Find(bdf) is { Template.Mdev: not null } function && function.Template.Driver == driver)
        {
            StartParent(function);
        }

        return true;
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

                if (!Attach(argument, driver))
                {
                    throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
                }

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
            TreeBuilder.RenderFunction(_tree, vf, dir, sriov.VfTemplate, pf.NumaNode, SimulatedMachine.VfBars(pf, i), null, NextPciGroup());
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
            if (GroupOf(dir) is { } group)
            {
                _tree.Remove($"/sys/kernel/iommu_groups/{group}");
            }

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
}
