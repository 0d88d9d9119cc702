using System.Globalization;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// A temporary directory laid out like <c>/</c> on a Linux host, written exactly as the kernel lays out sysfs: device
/// directories under <c>/sys/devices</c>, and RELATIVE symlinks from the bus and class views, drivers, IOMMU groups,
/// SR-IOV links and mdev type links. Read it with <c>new LinuxHost(tree.Root)</c>.
/// </summary>
public sealed class FakeHostTree : IDisposable
{
    public FakeHostTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "hdiov-tree-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static string DeviceDirectory(string bdf) => $"/sys/devices/pci{bdf[..4]}:{bdf[5..7]}/{bdf}";

    public string Physical(string hostPath) => Root + hostPath;

    public FakeHostTree WriteFile(string hostPath, string content)
    {
        var physical = Physical(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(physical)!);
        File.WriteAllText(physical, content);
        return this;
    }

    public FakeHostTree WriteBytes(string hostPath, byte[] content)
    {
        var physical = Physical(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(physical)!);
        File.WriteAllBytes(physical, content);
        return this;
    }

    public FakeHostTree CreateDirectory(string hostPath)
    {
        Directory.CreateDirectory(Physical(hostPath));
        return this;
    }

    /// <summary>A symlink at <paramref name="linkPath"/> whose target is <paramref name="targetPath"/> written relative to the link's directory.</summary>
    public FakeHostTree Link(string linkPath, string targetPath)
    {
        var linkDirectory = Path.GetDirectoryName(linkPath)!;
        Directory.CreateDirectory(Physical(linkDirectory));
        File.CreateSymbolicLink(Physical(linkPath), Path.GetRelativePath(linkDirectory, targetPath));
        return this;
    }

    /// <summary>
    /// A PCI function: the identity files from its config space (or the given VF identity), <c>config</c>,
    /// <c>resource</c>, <c>numa_node</c>, <c>driver_override</c>, and the driver and IOMMU group links.
    /// </summary>
    public string AddPciFunction(
        string bdf,
        byte[] config,
        string? driver = null,
        int? iommuGroup = null,
        int numaNode = -1,
        IReadOnlyList<ulong>? barSizes = null,
        ushort? vendorOverride = null,
        ushort? deviceOverride = null)
    {
        var directory = DeviceDirectory(bdf);
        var space = new ConfigSpace(config);
        WriteFile(directory + "/vendor", Hex4(vendorOverride ?? space.VendorId));
        WriteFile(directory + "/device", Hex4(deviceOverride ?? space.DeviceId));
        WriteFile(directory + "/class", string.Create(CultureInfo.InvariantCulture, $"0x{space.ClassCode:x6}\n"));
        WriteFile(directory + "/revision", string.Create(CultureInfo.InvariantCulture, $"0x{space.Revision:x2}\n"));
        WriteFile(directory + "/subsystem_vendor", Hex4(space.SubsystemVendorId));
        WriteFile(directory + "/subsystem_device", Hex4(space.SubsystemId));
        WriteBytes(directory + "/config", config);
        WriteFile(directory + "/numa_node", numaNode.ToString(CultureInfo.InvariantCulture) + "\n");
        WriteFile(directory + "/driver_override", "(null)\n");
        WriteFile(directory + "/resource", Resource(bdf, barSizes ?? []));
        Link("/sys/bus/pci/devices/" + bdf, directory);
        if (driver is not null)
        {
            CreateDirectory("/sys/bus/pci/drivers/" + driver);
            Link(directory + "/driver", "/sys/bus/pci/drivers/" + driver);
        }

        if (iommuGroup is { } group)
        {
            CreateDirectory($"/sys/kernel/iommu_groups/{group}/devices");
            Link(directory + "/iommu_group", $"/sys/kernel/iommu_groups/{group}");
            Link($"/sys/kernel/iommu_groups/{group}/devices/{bdf}", directory);
        }

        return directory;
    }

    /// <summary>SR-IOV attributes on a PF and the <c>virtfnN</c>/<c>physfn</c> links to VFs added with <see cref="AddPciFunction"/>.</summary>
    public FakeHostTree SetSriov(string pfBdf, int totalVfs, ushort vfDevice, IReadOnlyList<string> vfBdfs, bool autoprobe = true)
    {
        var directory = DeviceDirectory(pfBdf);
        WriteFile(directory + "/sriov_totalvfs", totalVfs.ToString(CultureInfo.InvariantCulture) + "\n");
        WriteFile(directory + "/sriov_numvfs", vfBdfs.Count.ToString(CultureInfo.InvariantCulture) + "\n");
        WriteFile(directory + "/sriov_vf_device", string.Create(CultureInfo.InvariantCulture, $"{vfDevice:x}\n"));
        WriteFile(directory + "/sriov_drivers_autoprobe", autoprobe ? "1\n" : "0\n");
        WriteFile(directory + "/sriov_offset", "1\n");
        WriteFile(directory + "/sriov_stride", "1\n");
        for (var i = 0; i < vfBdfs.Count; i++)
        {
            Link($"{directory}/virtfn{i}", DeviceDirectory(vfBdfs[i]));
            Link(DeviceDirectory(vfBdfs[i]) + "/physfn", directory);
        }

        return this;
    }

    /// <summary>Registers <paramref name="parentDirectory"/> with the mdev core under <paramref name="name"/>.</summary>
    public FakeHostTree AddMdevParent(string name, string parentDirectory, string? driver = null)
    {
        CreateDirectory(parentDirectory + "/mdev_supported_types");
        Link("/sys/class/mdev_bus/" + name, parentDirectory);
        if (driver is not null && !Directory.Exists(Physical(parentDirectory + "/driver")))
        {
            var driverDirectory = parentDirectory.StartsWith("/sys/devices/pci", StringComparison.Ordinal) ? "/sys/bus/pci/drivers/" + driver : "/sys/bus/platform/drivers/" + driver;
            CreateDirectory(driverDirectory);
            Link(parentDirectory + "/driver", driverDirectory);
        }

        return this;
    }

    public FakeHostTree AddMdevType(string parentDirectory, string typeId, string available, string deviceApi = "vfio-pci", string? name = null, string? description = null)
    {
        var directory = $"{parentDirectory}/mdev_supported_types/{typeId}";
        CreateDirectory(directory + "/devices");
        WriteFile(directory + "/available_instances", available + "\n");
        WriteFile(directory + "/device_api", deviceApi + "\n");
        WriteFile(directory + "/create", string.Empty);
        if (name is not null)
        {
            WriteFile(directory + "/name", name + "\n");
        }

        if (description is not null)
        {
            WriteFile(directory + "/description", description + "\n");
        }

        return this;
    }

    /// <summary>A live mdev: its directory under the parent, <c>mdev_type</c>, <c>iommu_group</c>, and the bus and type links.</summary>
    public FakeHostTree AddMdev(string parentDirectory, string typeId, Guid uuid, int? iommuGroup = null)
    {
        var name = uuid.ToString("D");
        var directory = $"{parentDirectory}/{name}";
        var typeDirectory = $"{parentDirectory}/mdev_supported_types/{typeId}";
        WriteFile(directory + "/remove", string.Empty);
        Link(directory + "/mdev_type", typeDirectory);
        Link($"{typeDirectory}/devices/{name}", directory);
        Link("/sys/bus/mdev/devices/" + name, directory);
        if (iommuGroup is { } group)
        {
            CreateDirectory($"/sys/kernel/iommu_groups/{group}/devices");
            Link(directory + "/iommu_group", $"/sys/kernel/iommu_groups/{group}");
        }

        return this;
    }

    public FakeHostTree AddIommuUnit(string name, ulong address, ulong cap, ulong ecap, string version = "6:0")
    {
        var directory = "/sys/devices/virtual/iommu/" + name;
        WriteFile(directory + "/intel-iommu/address", string.Create(CultureInfo.InvariantCulture, $"{address:x}\n"));
        WriteFile(directory + "/intel-iommu/cap", string.Create(CultureInfo.InvariantCulture, $"{cap:x}\n"));
        WriteFile(directory + "/intel-iommu/ecap", string.Create(CultureInfo.InvariantCulture, $"{ecap:x}\n"));
        WriteFile(directory + "/intel-iommu/version", version + "\n");
        Link("/sys/class/iommu/" + name, directory);
        return this;
    }

    public FakeHostTree SetCommandLine(string commandLine) => WriteFile("/proc/cmdline", commandLine + "\n");

    /// <summary><c>/proc/cpuinfo</c> with <paramref name="coresPerSocket"/> processors per socket, and the NUMA node directories.</summary>
    public FakeHostTree SetTopology(int sockets, int coresPerSocket, int numaNodes)
    {
        var text = new System.Text.StringBuilder();
        for (var socket = 0; socket < sockets; socket++)
        {
            for (var core = 0; core < coresPerSocket; core++)
            {
                text.Append(CultureInfo.InvariantCulture, $"processor\t: {(socket * coresPerSocket) + core}\nvendor_id\t: GenuineIntel\nphysical id\t: {socket}\ncore id\t\t: {core}\n\n");
            }
        }

        WriteFile("/proc/cpuinfo", text.ToString());
        for (var node = 0; node < numaNodes; node++)
        {
            CreateDirectory($"/sys/devices/system/node/node{node}");
        }

        WriteFile("/sys/devices/system/node/online", numaNodes > 1 ? $"0-{numaNodes - 1}\n" : "0\n");
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Hex4(ushort value) => string.Create(CultureInfo.InvariantCulture, $"0x{value:x4}\n");

    private static string Resource(string bdf, IReadOnlyList<ulong> barSizes)
    {
        var text = new System.Text.StringBuilder();
        var bus = byte.Parse(bdf.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var next = 0x2000_0000_0000UL + ((ulong)bus << 32);
        for (var index = 0; index < 13; index++)
        {
            var size = index < barSizes.Count ? barSizes[index] : 0;
            if (size == 0)
            {
                text.Append("0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"0x{next:x16} 0x{next + size - 1:x16} 0x000000000014220c\n");
            next += Math.Max(size, 0x1000);
        }

        return text.ToString();
    }
}
