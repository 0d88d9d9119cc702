using System.Collections.Immutable;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>mdev parents from <c>/sys/class/mdev_bus</c> and live mdevs from <c>/sys/bus/mdev/devices</c>.</summary>
internal static class MdevReader
{
    public const string ParentsDirectory = KernelPaths.MdevBusClass;
    public const string DevicesDirectory = KernelPaths.MdevDevices;
    private const string TypesDirectory = "mdev_supported_types";

    /// <summary>Every registered parent; with <paramref name="withTypes"/> false only its name, address and driver (no types).</summary>
    public static ImmutableArray<MdevParent> ReadParents(SysfsReader sysfs, CancellationToken cancellationToken, bool withTypes = true, IReadOnlySet<string>? only = null)
    {
        var parents = ImmutableArray.CreateBuilder<MdevParent>();
        foreach (var name in sysfs.Host.ListDirectory(ParentsDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!HostPath.IsSafeSegment(name) || (only is not null && !only.Contains(name)))
            {
                continue;
            }

            try
            {
                var directory = sysfs.Host.ResolvePath(HostPath.Combine(ParentsDirectory, name));
                if (!sysfs.Host.IsDirectory(directory))
                {
                    continue;
                }

                parents.Add(new MdevParent(
                    name,
                    PciAddress.TryParse(name, out var address) ? address : null,
                    sysfs.LinkName(directory + "/driver"),
                    withTypes ? ReadTypes(sysfs, directory) : []));
            }
            catch (HostIoException error) when (SysfsReader.IsGone(error))
            {
                // The parent unregistered while it was being read (driver unload, service restart).
            }
        }

        return parents.ToImmutable();
    }

    public static ImmutableArray<MdevDevice> ReadDevices(SysfsReader sysfs, CancellationToken cancellationToken)
    {
        var devices = ImmutableArray.CreateBuilder<MdevDevice>();
        foreach (var name in sysfs.Host.ListDirectory(DevicesDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Guid.TryParseExact(name, "D", out var uuid))
            {
                continue;
            }

            try
            {
                var directory = sysfs.Host.ResolvePath(HostPath.Combine(DevicesDirectory, name));
                var typeLink = directory + "/mdev_type";
                var type = sysfs.LinkName(typeLink);
                if (type is null)
                {
                    continue;
                }

                // mdev_type -> <parent dir>/mdev_supported_types/<type>: the parent is two levels above the type directory.
                var typeDirectory = sysfs.Host.ResolvePath(typeLink);
                var parent = SysfsReader.Name(HostPath.Parent(HostPath.Parent(typeDirectory)));
                devices.Add(new MdevDevice(uuid, parent, type, SysfsReader.ParseInt(sysfs.LinkName(directory + "/iommu_group"))));
            }
            catch (HostIoException error) when (SysfsReader.IsGone(error))
            {
                // Removed while it was being read.
            }
        }

        return devices.ToImmutable();
    }

    /// <summary>The live mdevs of <paramref name="parents"/> only, found through their types' <c>devices</c> folders.</summary>
    public static ImmutableArray<MdevDevice> ReadDevicesOf(SysfsReader sysfs, IEnumerable<MdevParent> parents, CancellationToken cancellationToken)
    {
        var devices = ImmutableArray.CreateBuilder<MdevDevice>();
        foreach (var parent in parents)
        {
            foreach (var type in parent.Types)
            {
                foreach (var uuid in type.Devices)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var directory = HostPath.Combine(DevicesDirectory, uuid.ToString("D"));
                    try
                    {
                        // The group link is read first: only a device without one needs asking whether it is still there.
                        var group = sysfs.LinkName(directory + "/iommu_group");
                        if (group is not null || sysfs.Host.Exists(directory))
                        {
                            devices.Add(new MdevDevice(uuid, parent.Name, type.Id, SysfsReader.ParseInt(group)));
                        }
                    }
                    catch (HostIoException error) when (SysfsReader.IsGone(error))
                    {
                        // Removed while it was being read.
                    }
                }
            }
        }

        return devices.ToImmutable();
    }

    private static ImmutableArray<MdevType> ReadTypes(SysfsReader sysfs, string parentDirectory)
    {
        var typesDirectory = parentDirectory + "/" + TypesDirectory;
        var types = ImmutableArray.CreateBuilder<MdevType>();
        foreach (var id in sysfs.Host.ListDirectory(typesDirectory))
        {
            var directory = HostPath.Combine(typesDirectory, id);
            if (!sysfs.Host.IsDirectory(directory))
            {
                continue;
            }

            var devices = sysfs.Host.ListDirectory(directory + "/devices")
                .Select(entry => Guid.TryParseExact(entry, "D", out var uuid) ? uuid : (Guid?)null)
                .OfType<Guid>()
                .ToImmutableArray();
            types.Add(new MdevType(
                id,
                NullIfEmpty(sysfs.TryReadLine(directory + "/name")),
                NullIfEmpty(sysfs.TryReadLine(directory + "/description")),
                sysfs.TryReadLine(directory + "/device_api") ?? string.Empty,
                AvailableInstances.Parse(sysfs.TryReadText(directory + "/available_instances") ?? string.Empty),
                devices));
        }

        return types.ToImmutable();
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
