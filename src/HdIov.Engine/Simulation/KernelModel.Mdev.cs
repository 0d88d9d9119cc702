using System.Globalization;
using System.Text;
using System.Text.Json;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>The kernel model: mediated devices.</summary>
internal sealed partial class KernelModel
{
    private void CreateMdev(ParentState parent, string typeId, string value, string hostPath)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length is not (36 or 37) || !TryParseUuid(value[..36], out var uuid))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        if (_state.Mdevs.ContainsKey(uuid))
        {
            throw HostIoException.FromErrno(Errno.EEXIST, hostPath, "write");
        }

        var type = parent.Types.FirstOrDefault(t => t.Id == typeId) ?? throw HostIoException.FromErrno(Errno.ENODEV, hostPath, "write");
        if (Available(parent, type) <= 0)
        {
            throw HostIoException.FromErrno(parent.ExhaustedErrno, hostPath, "write");
        }

        AddMdev(parent, type, uuid);
        RefreshAvailable(parent.BudgetGroup);
    }

    private void RemoveMdevAttribute(MdevState mdev, string value, string hostPath)
    {
        if (!TryParseKernelNumber(value, out var number))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        if (number != 0)
        {
            var budgetGroup = _state.Parents.First(p => p.Name == mdev.Parent).BudgetGroup;
            DropMdev(mdev);
            RefreshAvailable(budgetGroup);
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
        _state.Mdevs.Add(uuid, mdev);
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
        _state.Mdevs.Remove(mdev.Uuid);
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
            return capacity - _state.Mdevs.Values.Count(m => m.Parent == parent.Name && m.Type == type.Id);
        }

        var used = 0;
        foreach (var m in _state.Mdevs.Values)
        {
            var owner = _state.Parents.First(p => p.Name == m.Parent);
            if (owner.BudgetGroup == parent.BudgetGroup)
            {
                used += owner.Types.First(t => t.Id == m.Type).Cost;
            }
        }

        return Math.Max(0, parent.Budget - used) / type.Cost;
    }

    /// <summary>
    /// Rewrites available_instances of every type, or only of the parents in <paramref name="budgetGroup"/>:
    /// an mdev takes from its own parent's capacity or its group's budget and from nothing else.
    /// </summary>
    private void RefreshAvailable(string? budgetGroup = null)
    {
        foreach (var parent in _state.Parents.Where(p => budgetGroup is null || p.BudgetGroup == budgetGroup))
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

        foreach (var mdev in _state.Mdevs.Values.Where(m => m.Parent == name).ToList())
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
            BudgetGroupOf(mdev, name),
            mdev.Budget,
            ParseErrno(mdev.ExhaustedErrno),
            mdev.AvailableText,
            BlockedBySriov: false,
            (mdev.Types ?? []).Select(t => new TypeState($"{driver}-{t.Name}", t.DisplayName.Replace("{parent}", name, StringComparison.Ordinal), t.DeviceApi, t.Capacity, Math.Max(1, t.Cost))).ToList()));

    /// <summary>The parents sharing a budget: the profile names the group, or <c>{adapter}</c> for the PCI device (every port of one adapter).</summary>
    private static string BudgetGroupOf(MdevParentData mdev, string name) =>
        mdev.BudgetGroup is { } group
            ? group.Replace("{adapter}", name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : name, StringComparison.Ordinal)
            : name;

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
            if (!TryParseUuid(file, out var uuid) || uuid != file || _state.Mdevs.ContainsKey(uuid))
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
}
