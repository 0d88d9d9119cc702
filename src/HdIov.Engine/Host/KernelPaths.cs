using System.Globalization;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Host;

/// <summary>
/// Every kernel and system path the engine reads or writes, in one place. Names that come from specs or the
/// host are joined with <see cref="HostPath.Combine"/>, so a crafted name can never reach another file.
/// </summary>
public static class KernelPaths
{
    public const string PciDevices = "/sys/bus/pci/devices";
    public const string PciDriversProbe = "/sys/bus/pci/drivers_probe";
    public const string PciDrivers = "/sys/bus/pci/drivers";
    public const string MdevBusClass = "/sys/class/mdev_bus";
    public const string MdevDevices = "/sys/bus/mdev/devices";
    public const string IommuClass = "/sys/class/iommu";
    public const string DmarTable = "/sys/firmware/acpi/tables/DMAR";
    public const string NumaNodes = "/sys/devices/system/node";
    public const string CommandLine = "/proc/cmdline";
    public const string CpuInfo = "/proc/cpuinfo";

    /// <summary>A random UUID the kernel makes at every boot.</summary>
    public const string BootId = "/proc/sys/kernel/random/boot_id";
    public const string RolloutLock = "/var/lib/hdiov/rollout.lock";
    public const string RolloutHolder = "/var/lib/hdiov/rollout.holder";
    public const string MdevctlConfig = "/etc/mdevctl.d";
    public const string StateDirectory = "/var/lib/hdiov";
    public const string ApplyLock = "/var/lib/hdiov/apply.lock";
    public const string Journal = "/var/lib/hdiov/journal.log";
    public const string Etc = "/etc";
    public const string GrubDefaults = "/etc/default/grub";
    public const string FirmwareAttributes = "/sys/class/firmware-attributes";
    public const string CdiSpecDirectory = "/etc/cdi";

    /// <summary>Where udev looks for mdevctl's rule, highest precedence first: an administrator's override, then the package's.</summary>
    public static readonly IReadOnlyList<string> MdevctlUdevRules =
        ["/etc/udev/rules.d/60-mdevctl.rules", "/usr/lib/udev/rules.d/60-mdevctl.rules", "/lib/udev/rules.d/60-mdevctl.rules"];

    public static string PciDevice(PciAddress address) => HostPath.Combine(PciDevices, address.ToString());

    public static string PciAttribute(PciAddress address, string attribute) => HostPath.Combine(PciDevice(address), attribute);

    public static string MdevParent(string parent) => HostPath.Combine(MdevBusClass, parent);

    public static string MdevTypes(string parent) => HostPath.Combine(MdevParent(parent), "mdev_supported_types");

    public static string MdevType(string parent, string type) => HostPath.Combine(MdevTypes(parent), type);

    public static string MdevCreate(string parent, string type) => HostPath.Combine(MdevType(parent, type), "create");

    public static string MdevDevice(Guid uuid) => HostPath.Combine(MdevDevices, Format(uuid));

    public static string MdevRemove(Guid uuid) => HostPath.Combine(MdevDevice(uuid), "remove");

    public static string MdevctlDefinition(string parent, Guid uuid) =>
        HostPath.Combine(HostPath.Combine(MdevctlConfig, parent), Format(uuid));

    public static string IntelIommu(string unit) => HostPath.Combine(HostPath.Combine(IommuClass, unit), "intel-iommu");

    public static string EtcFile(string name) => HostPath.Combine(Etc, name);

    /// <summary>The kernel's form of a UUID (<c>%pUl</c>): lower case, hyphenated.</summary>
    public static string Format(Guid uuid) => uuid.ToString("D", CultureInfo.InvariantCulture);
}
