using System.Globalization;
using System.Text;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Simulation;

/// <summary>Lays out the files of a simulated host: the persistent part (/etc, /boot, /var) once, the kernel's part (/sys, /proc, /dev) at every boot.</summary>
internal static class TreeBuilder
{
    public const string StateDirectory = "/.hdiov-sim";

    public static void BuildPersistent(SimTree tree, SimulatedMachine machine)
    {
        var data = machine.Data;
        tree.Text($"/boot/vmlinuz-{data.KernelRelease}", string.Empty);
        SimulatedBootLoader.Install(tree, data);
        tree.Text($"/boot/config-{data.KernelRelease}", "CONFIG_INTEL_IOMMU=y\nCONFIG_INTEL_IOMMU_SVM=y\nCONFIG_VFIO_MDEV=m\n");
        foreach (var (pf, index) in machine.QatPfs.Select((pf, i) => (pf, i)))
        {
            tree.Text($"/etc/4xxx_dev{index}.conf", QatConfigFile.Template());
        }

        // The mdevctl package installs these; mdevctl refuses to run without them.
        tree.MakeDirectory("/etc/mdevctl.d/scripts.d/callouts");
        tree.MakeDirectory("/etc/mdevctl.d/scripts.d/notifiers");
        tree.MakeDirectory("/var/lib");
    }

    /// <summary>
    /// Everything a freshly booted kernel shows before drivers bind: no mdevs, no VFs, no driver links. A null
    /// <paramref name="ecapOf"/> is firmware with VT-d disabled: no DMAR table and no dmar units.
    /// </summary>
    public static void BuildVolatile(SimTree tree, SimulatedMachine machine, string cmdline, Func<IommuUnitData, ulong>? ecapOf, IReadOnlyDictionary<string, string> stored)
    {
        var data = machine.Data;
        tree.Text("/proc/cmdline", cmdline + "\n");
        tree.Text("/proc/cpuinfo", CpuInfo(data.Cpu));
        tree.Text("/proc/sys/kernel/osrelease", data.KernelRelease + "\n");

        // As the kernel does: a random UUID per boot, read-only, so a changed id proves a reboot.
        tree.Text(KernelPaths.BootId, Guid.NewGuid().ToString("D") + "\n");
        tree.Text("/proc/version", $"Linux version {data.KernelRelease} (simulated host, profile {data.Name})\n");
        BuildNodes(tree, data);
        tree.MakeDirectory("/sys/class/iommu");
        if (ecapOf is not null)
        {
            BuildIommu(tree, machine, ecapOf);
        }

        tree.MakeDirectory("/sys/bus/pci/devices");
        tree.Text("/sys/bus/pci/drivers_probe", string.Empty);
        tree.Text("/sys/bus/pci/drivers_autoprobe", "1\n");
        tree.Text("/sys/bus/pci/rescan", string.Empty);
        foreach (var driver in data.PciDrivers)
        {
            var dir = $"/sys/bus/pci/drivers/{driver}";
            foreach (var file in new[] { "bind", "unbind", "new_id", "remove_id", "uevent" })
            {
                tree.Text($"{dir}/{file}", string.Empty);
            }
        }

        tree.MakeDirectory("/sys/bus/mdev/devices");
        tree.MakeDirectory($"/sys/bus/mdev/drivers/{data.MdevDriver}");
        tree.MakeDirectory("/sys/class/mdev_bus");
        tree.MakeDirectory("/sys/kernel/iommu_groups");
        tree.MakeDirectory("/dev");

        if (data.Firmware is { } firmware)
        {
            BuildFirmware(tree, firmware, stored);
        }

        foreach (var parent in data.VirtualParents ?? [])
        {
            tree.Text($"{parent.Path}/uevent", $"MAJOR=0\nMINOR=0\nDEVNAME={parent.Name}\n");
            tree.Link($"/sys/class/{parent.Driver}/{parent.Name}", parent.Path);
        }
    }

    /// <summary>Writes one PCI function's sysfs directory and its bus and IOMMU-group links (none when <paramref name="group"/> is null: no IOMMU).</summary>
    public static void RenderFunction(SimTree tree, PciAddress address, string directory, DeviceTemplateData template, int numaNode, IReadOnlyDictionary<int, ulong> bars, SriovPlan? sriov, int? group)
    {
        string Id(string hex, int digits) => "0x" + Hex.Parse(hex, "id").ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "\n";

        var layout = sriov is null
            ? null
            : new SriovLayout(sriov.TotalVfs, 0, sriov.Offset, sriov.Stride, Hex.ParseInt(sriov.VfTemplate.Device, "vf device"), sriov.VfBars, sriov.VfBarAddresses);
        tree.Text($"{directory}/vendor", Id(template.Vendor, 4));
        tree.Text($"{directory}/device", Id(template.Device, 4));
        tree.Text($"{directory}/subsystem_vendor", Id(template.SubsystemVendor, 4));
        tree.Text($"{directory}/subsystem_device", Id(template.SubsystemDevice, 4));
        tree.Text($"{directory}/class", Id(template.Class, 6));
        tree.Text($"{directory}/revision", Id(template.Revision, 2));
        tree.Bytes($"{directory}/config", ConfigSpaceBuilder.Build(template, bars, layout));
        tree.Text($"{directory}/resource", Resources(template.Bars, bars, sriov));
        tree.Text($"{directory}/numa_node", numaNode.ToString(CultureInfo.InvariantCulture) + "\n");
        tree.Text($"{directory}/irq", "0\n");
        tree.Text($"{directory}/enable", "1\n");
        tree.Text($"{directory}/driver_override", "(null)\n");
        tree.Text($"{directory}/modalias", Modalias(template));
        tree.Text($"{directory}/uevent", $"PCI_SLOT_NAME={address}\n");
        tree.Text($"{directory}/reset", string.Empty);
        if (sriov is not null)
        {
            tree.Text($"{directory}/sriov_totalvfs", sriov.TotalVfs.ToString(CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{directory}/sriov_numvfs", "0\n");
            tree.Text($"{directory}/sriov_offset", sriov.Offset.ToString(CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{directory}/sriov_stride", sriov.Stride.ToString(CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{directory}/sriov_vf_device", Hex.Parse(sriov.VfTemplate.Device, "vf device").ToString("x", CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{directory}/sriov_drivers_autoprobe", "1\n");
        }

        tree.Link($"{directory}/subsystem", "/sys/bus/pci");
        tree.Link($"/sys/bus/pci/devices/{address}", directory);
        if (group is { } number)
        {
            AddToGroup(tree, number, directory, address.ToString());
        }
    }

    public static void AddToGroup(SimTree tree, int group, string deviceDirectory, string deviceName)
    {
        var groupDir = $"/sys/kernel/iommu_groups/{group}";
        tree.Text($"{groupDir}/type", "DMA\n");
        tree.Text($"{groupDir}/reserved_regions", "0x00000000fee00000 0x00000000feefffff msi\n");
        tree.Link($"{groupDir}/devices/{deviceName}", deviceDirectory);
        tree.Link($"{deviceDirectory}/iommu_group", groupDir);
    }

    public static string CpuList(IEnumerable<int> cpus)
    {
        var sorted = cpus.Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var start = sorted[i];
            var end = start;
            while (i + 1 < sorted.Count && sorted[i + 1] == end + 1)
            {
                end = sorted[++i];
            }

            parts.Add(start == end ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start}-{end}"));
            i++;
        }

        return string.Join(',', parts);
    }

    private static void BuildNodes(SimTree tree, ProfileData data)
    {
        var cpu = data.Cpu;
        var logical = cpu.Sockets * cpu.CoresPerSocket * cpu.ThreadsPerCore;
        tree.Text("/sys/devices/system/cpu/online", CpuList(Enumerable.Range(0, logical)) + "\n");
        tree.Text("/sys/devices/system/node/online", CpuList(Enumerable.Range(0, data.NumaNodes)) + "\n");
        tree.Text("/sys/devices/system/node/possible", CpuList(Enumerable.Range(0, data.NumaNodes)) + "\n");
        foreach (var size in new[] { "2048kB", "1048576kB" })
        {
            var global = $"/sys/kernel/mm/hugepages/hugepages-{size}";
            foreach (var file in new[] { "nr_hugepages", "free_hugepages", "surplus_hugepages", "resv_hugepages", "nr_overcommit_hugepages" })
            {
                tree.Text($"{global}/{file}", "0\n");
            }
        }

        for (var node = 0; node < data.NumaNodes; node++)
        {
            var dir = $"/sys/devices/system/node/node{node}";
            var cpus = Enumerable.Range(0, logical).Where(c => SocketOf(cpu, c) % data.NumaNodes == node);
            tree.Text($"{dir}/cpulist", CpuList(cpus) + "\n");
            tree.Text($"{dir}/meminfo", string.Create(CultureInfo.InvariantCulture, $"Node {node} MemTotal:       {data.MemoryPerNodeKiB} kB\nNode {node} MemFree:        {data.MemoryPerNodeKiB * 9 / 10} kB\n"));
            foreach (var size in new[] { "2048kB", "1048576kB" })
            {
                foreach (var file in new[] { "nr_hugepages", "free_hugepages", "surplus_hugepages" })
                {
                    tree.Text($"{dir}/hugepages/hugepages-{size}/{file}", "0\n");
                }
            }
        }
    }

    private static void BuildIommu(SimTree tree, SimulatedMachine machine, Func<IommuUnitData, ulong> ecapOf)
    {
        var iommu = machine.Data.Iommu;
        tree.Bytes("/sys/firmware/acpi/tables/DMAR", DmarTableBuilder.Build(iommu, machine.Functions.Select(f => f.Address).ToList()));
        for (var i = 0; i < iommu.Units.Count; i++)
        {
            var unit = iommu.Units[i];
            var dir = $"/sys/devices/virtual/iommu/dmar{i}";
            var cap = Hex.Parse(unit.Cap, "cap");
            var domains = 1 << (4 + (2 * (int)(cap & 0x7)));
            tree.Text($"{dir}/intel-iommu/address", Hex.Parse(unit.Address, "address").ToString("x", CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{dir}/intel-iommu/cap", cap.ToString("x", CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{dir}/intel-iommu/ecap", ecapOf(unit).ToString("x", CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{dir}/intel-iommu/version", iommu.Version + "\n");
            tree.Text($"{dir}/intel-iommu/domains_supported", domains.ToString(CultureInfo.InvariantCulture) + "\n");
            tree.Text($"{dir}/intel-iommu/domains_used", "1\n");
            tree.Link($"/sys/class/iommu/dmar{i}", dir);
        }
    }

    private static void BuildFirmware(SimTree tree, FirmwareData firmware, IReadOnlyDictionary<string, string> stored)
    {
        var dir = $"/sys/devices/virtual/firmware-attributes/{firmware.Driver}";
        foreach (var attribute in firmware.Attributes)
        {
            var attributeDir = $"{dir}/attributes/{attribute.Name}";
            tree.Text($"{attributeDir}/type", "enumeration\n");
            tree.Text($"{attributeDir}/current_value", stored.GetValueOrDefault(attribute.Name, attribute.Current) + "\n");
            tree.Text($"{attributeDir}/default_value", attribute.Default + "\n");
            tree.Text($"{attributeDir}/possible_values", string.Join(';', attribute.PossibleValues) + "\n");
            tree.Text($"{attributeDir}/display_name", attribute.DisplayName + "\n");
            tree.Text($"{attributeDir}/display_name_language_code", "en_US.UTF-8\n");
        }

        tree.Text($"{dir}/attributes/pending_reboot", "0\n");
        tree.Link($"/sys/class/firmware-attributes/{firmware.Driver}", dir);
    }

    private static int SocketOf(CpuData cpu, int logicalCpu) => logicalCpu % (cpu.Sockets * cpu.CoresPerSocket) / cpu.CoresPerSocket;

    private static string CpuInfo(CpuData cpu)
    {
        var text = new StringBuilder();
        var perThreadSet = cpu.Sockets * cpu.CoresPerSocket;
        var logical = perThreadSet * cpu.ThreadsPerCore;
        var model = Hex.ParseInt(cpu.Model, "cpu model");
        for (var i = 0; i < logical; i++)
        {
            var socket = SocketOf(cpu, i);
            var core = i % perThreadSet % cpu.CoresPerSocket;
            var thread = i / perThreadSet;
            var apic = (socket << 8) | (core << 1) | thread;
            text.Append(CultureInfo.InvariantCulture, $"processor\t: {i}\n");
            text.Append(CultureInfo.InvariantCulture, $"vendor_id\t: {cpu.Vendor}\n");
            text.Append(CultureInfo.InvariantCulture, $"cpu family\t: {cpu.Family}\n");
            text.Append(CultureInfo.InvariantCulture, $"model\t\t: {model}\n");
            text.Append(CultureInfo.InvariantCulture, $"model name\t: {cpu.Brand}\n");
            text.Append(CultureInfo.InvariantCulture, $"stepping\t: {cpu.Stepping}\n");
            text.Append(CultureInfo.InvariantCulture, $"cpu MHz\t\t: {cpu.Mhz}\n");
            text.Append(CultureInfo.InvariantCulture, $"physical id\t: {socket}\n");
            text.Append(CultureInfo.InvariantCulture, $"siblings\t: {cpu.CoresPerSocket * cpu.ThreadsPerCore}\n");
            text.Append(CultureInfo.InvariantCulture, $"core id\t\t: {core}\n");
            text.Append(CultureInfo.InvariantCulture, $"cpu cores\t: {cpu.CoresPerSocket}\n");
            text.Append(CultureInfo.InvariantCulture, $"apicid\t\t: {apic}\n");
            text.Append("fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 32\nwp\t\t: yes\n");
            text.Append(CultureInfo.InvariantCulture, $"flags\t\t: {cpu.CpuinfoFlags}\n");
            text.Append("clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 52 bits physical, 57 bits virtual\npower management:\n\n");
        }

        return text.ToString();
    }

    private static string Resources(IReadOnlyList<BarData> barData, IReadOnlyDictionary<int, ulong> bars, SriovPlan? sriov)
    {
        var lines = new string[13];
        Array.Fill(lines, Line(0, 0, 0));
        foreach (var bar in barData)
        {
            lines[bar.Index] = BarLine(bar, bars[bar.Index], 1);
        }

        foreach (var bar in sriov?.VfBars ?? [])
        {
            lines[7 + bar.Index] = BarLine(bar, sriov!.VfBarAddresses[bar.Index], sriov.TotalVfs);
        }

        return string.Concat(lines.Select(l => l + "\n"));
    }

    private static string BarLine(BarData bar, ulong start, int copies)
    {
        var size = Hex.Parse(bar.Size, "bar size") * (ulong)copies;
        ulong flags = 0x200 | (bar.Prefetchable ? 0x2000UL | 0x8UL : 0UL) | (bar.Is64Bit ? 0x100000UL | 0x4UL : 0UL) | 0x40000UL;
        return Line(start, start + size - 1, flags);
    }

    private static string Line(ulong start, ulong end, ulong flags) =>
        string.Create(CultureInfo.InvariantCulture, $"0x{start:x16} 0x{end:x16} 0x{flags:x16}");

    private static string Modalias(DeviceTemplateData t)
    {
        var cls = Hex.ParseInt(t.Class, "class");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"pci:v{Hex.ParseInt(t.Vendor, "vendor"):X8}d{Hex.ParseInt(t.Device, "device"):X8}sv{Hex.ParseInt(t.SubsystemVendor, "sv"):X8}sd{Hex.ParseInt(t.SubsystemDevice, "sd"):X8}bc{(cls >> 16) & 0xff:X2}sc{(cls >> 8) & 0xff:X2}i{cls & 0xff:X2}\n");
    }
}
