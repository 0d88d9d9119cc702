using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Hardware.Acpi;
using HdIov.Engine.Hardware.Vtd;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>VT-d units from <c>/sys/class/iommu/dmar*/intel-iommu</c> and the ACPI DMAR table.</summary>
internal static class IommuReader
{
    public const string ClassDirectory = KernelPaths.IommuClass;
    public const string DmarTablePath = KernelPaths.DmarTable;

    public static ImmutableArray<IommuUnit> ReadUnits(SysfsReader sysfs, List<ReadinessFinding> problems)
    {
        var units = ImmutableArray.CreateBuilder<IommuUnit>();
        foreach (var name in sysfs.Host.ListDirectory(ClassDirectory))
        {
            if (!name.StartsWith("dmar", StringComparison.Ordinal))
            {
                continue;
            }

            var directory = HostPath.Combine(HostPath.Combine(ClassDirectory, name), "intel-iommu");
            var address = SysfsReader.ParseHex(sysfs.TryReadText(directory + "/address"));
            var cap = SysfsReader.ParseHex(sysfs.TryReadText(directory + "/cap"));
            var ecap = SysfsReader.ParseHex(sysfs.TryReadText(directory + "/ecap"));
            if (cap is null || ecap is null)
            {
                if (sysfs.Host.Exists(directory))
                {
                    problems.Add(new ReadinessFinding(
                        DiagnosticCodes.ReadinessHostData,
                        ReadinessLevel.Warning,
                        name,
                        $"{directory}/cap or ecap is missing or not hexadecimal; the unit was left out",
                        "check that the kernel exposes the intel-iommu attributes (CONFIG_INTEL_IOMMU) and rerun"));
                }

                continue;
            }

            var version = sysfs.TryReadLine(directory + "/version") ?? string.Empty;
            units.Add(new IommuUnit(name, address ?? 0, version, new VtdCapability(cap.Value), new VtdExtendedCapability(ecap.Value)));
        }

        return units.ToImmutable();
    }

    public static DmarTable? ReadDmar(SysfsReader sysfs, List<ReadinessFinding> problems)
    {
        if (!sysfs.Host.Exists(DmarTablePath))
        {
            return null;
        }

        byte[]? bytes;
        try
        {
            bytes = sysfs.TryReadBytes(DmarTablePath);
        }
        catch (HostIoException error)
        {
            problems.Add(new ReadinessFinding(
                DiagnosticCodes.ReadinessDmarTable,
                ReadinessLevel.Warning,
                "DMAR table",
                $"{DmarTablePath} could not be read: {error.Message}",
                "run as root to read ACPI tables; the VT-d units in /sys/class/iommu are still checked"));
            return null;
        }

        if (bytes is null)
        {
            return null;
        }

        try
        {
            return DmarParser.Parse(bytes);
        }
        catch (AcpiTableFormatException error)
        {
            problems.Add(new ReadinessFinding(
                DiagnosticCodes.ReadinessDmarTable,
                ReadinessLevel.Warning,
                "DMAR table",
                $"{DmarTablePath}: {error.Message}",
                "the firmware's DMAR table is damaged; update the BIOS. The kernel's own VT-d units are still checked"));
            return null;
        }
    }
}
