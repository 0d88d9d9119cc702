using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>PCI functions from <c>/sys/bus/pci/devices</c>: identity, the kernel's bindings, capabilities and SR-IOV state.</summary>
internal static class PciReader
{
    public const string DevicesDirectory = KernelPaths.PciDevices;
    private const int BarCount = 6;

    public static ImmutableArray<PciFunction> Read(SysfsReader sysfs, List<ReadinessFinding> problems, CancellationToken cancellationToken)
    {
        var functions = ImmutableArray.CreateBuilder<PciFunction>();
        foreach (var name in sysfs.Host.ListDirectory(DevicesDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!PciAddress.TryParse(name, out var address))
            {
                continue;
            }

            try
            {
                if (ReadFunction(sysfs, address, problems) is { } function)
                {
                    functions.Add(function);
                }
            }
            catch (HostIoException error) when (SysfsReader.IsGone(error))
            {
                // The device was removed while it was being read (VFs disabled, hot unplug): it is simply not there.
            }
        }

        return functions.ToImmutable();
    }

    private static PciFunction? ReadFunction(SysfsReader sysfs, PciAddress address, List<ReadinessFinding> problems)
    {
        var directory = HostPath.Combine(DevicesDirectory, address.ToString());
        if (!sysfs.Host.Exists(directory))
        {
            return null;
        }

        var config = sysfs.TryReadBytes(directory + "/config");
        var capabilities = PciCapabilities.None;
        ushort? configVendor = null, configDevice = null, configSubVendor = null, configSub = null;
        uint? configClass = null;
        byte? configRevision = null;
        if (config is not null)
        {
            try
            {
                var space = new ConfigSpace(config);
                (configVendor, configDevice, configClass, configRevision) = (space.VendorId, space.DeviceId, space.ClassCode, space.Revision);
                (configSubVendor, configSub) = (space.SubsystemVendorId, space.SubsystemId);
                capabilities = space.ReadCapabilities();
            }
            catch (ConfigSpaceFormatException error)
            {
                problems.Add(new ReadinessFinding(
                    DiagnosticCodes.ReadinessHostData,
                    ReadinessLevel.Warning,
                    address.ToString(),
                    $"{directory}/config: {error.Message}; its capabilities are unknown",
                    "rerun as root, or check the device with lspci -vvv -s " + address));
            }
        }

        // The kernel's identity files win over config space: a VF's config space reads 0xffff as its vendor and device.
        var vendor = Hex16(sysfs, directory + "/vendor") ?? configVendor;
        var device = Hex16(sysfs, directory + "/device") ?? configDevice;
        if (vendor is null || device is null)
        {
            return null;
        }

        var classCode = (uint?)Bounded(sysfs, directory + "/class", 0xFFFFFF) ?? configClass ?? 0;
        var revision = (byte?)Bounded(sysfs, directory + "/revision", byte.MaxValue) ?? configRevision ?? 0;
        var subVendor = Hex16(sysfs, directory + "/subsystem_vendor") ?? configSubVendor ?? 0;
        var subDevice = Hex16(sysfs, directory + "/subsystem_device") ?? configSub ?? 0;

        var driverOverride = sysfs.TryReadLine(directory + "/driver_override");
        if (driverOverride is "(null)" or "")
        {
            driverOverride = null;
        }

        var sriov = ReadSriov(sysfs, directory, capabilities);
        var barSizes = ReadBarSizes(sysfs.TryReadText(directory + "/resource"));
        var physicalFunction = PciAddress.TryParse(sysfs.LinkName(directory + "/physfn"), out var pf) ? pf : (PciAddress?)null;
        var function = new PciFunction(
            address,
            vendor.Value,
            device.Value,
            classCode,
            revision,
            subVendor,
            subDevice,
            sysfs.LinkName(directory + "/driver"),
            driverOverride,
            SysfsReader.ParseInt(sysfs.LinkName(directory + "/iommu_group")),
            SysfsReader.ParseInt(sysfs.TryReadText(directory + "/numa_node")) ?? -1,
            capabilities,
            sriov,
            physicalFunction,
            barSizes);

        // A device removed mid-walk leaves its optional attributes looking absent; only a final check tells the two apart.
        return sysfs.Host.Exists(directory) ? function : null;
    }

    private static SriovState? ReadSriov(SysfsReader sysfs, string directory, PciCapabilities capabilities)
    {
        var total = SysfsReader.ParseInt(sysfs.TryReadText(directory + "/sriov_totalvfs"));
        if (total is null)
        {
            return null;
        }

        var virtualFunctions = sysfs.Host.ListDirectory(directory)
            .Select(name => (Name: name, Index: name.StartsWith("virtfn", StringComparison.Ordinal) ? SysfsReader.ParseInt(name[6..]) : null))
            .Where(link => link.Index is >= 0)
            .OrderBy(link => link.Index)
            .Select(link => PciAddress.TryParse(sysfs.LinkName(HostPath.Combine(directory, link.Name)), out var vf) ? vf : (PciAddress?)null)
            .OfType<PciAddress>()
            .ToImmutableArray();

        var vfDevice = Hex16(sysfs, directory + "/sriov_vf_device") ?? capabilities.Sriov?.VfDeviceId ?? 0;
        var autoprobe = SysfsReader.ParseInt(sysfs.TryReadText(directory + "/sriov_drivers_autoprobe")) is not 0;
        return new SriovState(
            total.Value,
            SysfsReader.ParseInt(sysfs.TryReadText(directory + "/sriov_numvfs")) ?? 0,
            vfDevice,
            autoprobe,
            virtualFunctions);
    }

    /// <summary>Sizes of BAR0..BAR5 from the <c>resource</c> lines (<c>start end flags</c>, inclusive end; all zero when unused).</summary>
    internal static ImmutableArray<ulong> ReadBarSizes(string? resource)
    {
        if (resource is null)
        {
            return [];
        }

        var sizes = ImmutableArray.CreateBuilder<ulong>(BarCount);
        foreach (var line in resource.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(BarCount))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var start = fields.Length > 1 ? SysfsReader.ParseHex(fields[0]) : null;
            var end = fields.Length > 1 ? SysfsReader.ParseHex(fields[1]) : null;
            sizes.Add(start is { } s && end is { } e && e > s ? e - s + 1 : 0);
        }

        return sizes.ToImmutable();
    }

    private static ushort? Hex16(SysfsReader sysfs, string path) => (ushort?)Bounded(sysfs, path, ushort.MaxValue);

    private static ulong? Bounded(SysfsReader sysfs, string path, ulong maximum) =>
        SysfsReader.ParseHex(sysfs.TryReadText(path)) is { } value && value <= maximum ? value : null;
}
