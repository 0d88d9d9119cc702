using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Attachments;
using HdIov.Engine.Host;
using HdIov.Engine.Platform.BootLoaders;

namespace HdIov.Engine.Discovery;

/// <summary>Reads the boot loader's kernel arguments, firmware attributes, hugepage pools, the CDI spec and mdevctl's udev rule.</summary>
internal static class PlatformReader
{
    public static PlatformState Read(SysfsReader sysfs, string kernelRelease)
    {
        var (loader, commandLine) = BootLoader.Detect(sysfs.Host, kernelRelease);
        var cdi = sysfs.TryReadText(HostPath.Combine(KernelPaths.CdiSpecDirectory, CdiSpecDocument.FileName));
        return new PlatformState(commandLine, ReadFirmware(sysfs, out var pending), pending, ReadHugepages(sysfs), cdi, MdevctlAutostartReader.Read(sysfs))
        {
            BootLoader = loader,
        };
    }

    private static ImmutableArray<FirmwareAttribute> ReadFirmware(SysfsReader sysfs, out bool pendingReboot)
    {
        pendingReboot = false;
        var attributes = ImmutableArray.CreateBuilder<FirmwareAttribute>();
        foreach (var driver in sysfs.Host.ListDirectory(KernelPaths.FirmwareAttributes))
        {
            if (!HostPath.IsSafeSegment(driver))
            {
                continue;
            }

            var directory = HostPath.Combine(HostPath.Combine(KernelPaths.FirmwareAttributes, driver), "attributes");
            pendingReboot |= sysfs.TryReadLine(HostPath.Combine(directory, "pending_reboot")) == "1";
            foreach (var name in sysfs.Host.ListDirectory(directory))
            {
                var attribute = HostPath.Combine(directory, name);
                if (sysfs.TryReadLine(HostPath.Combine(attribute, "current_value")) is not { } current)
                {
                    continue;
                }

                var possible = sysfs.TryReadLine(HostPath.Combine(attribute, "possible_values")) ?? string.Empty;
                attributes.Add(new FirmwareAttribute(driver, name, current, [.. possible.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]));
            }
        }

        return attributes.ToImmutable();
    }

    private static ImmutableArray<HugepagePool> ReadHugepages(SysfsReader sysfs)
    {
        var pools = ImmutableArray.CreateBuilder<HugepagePool>();
        foreach (var nodeName in sysfs.Host.ListDirectory(KernelPaths.NumaNodes))
        {
            if (!nodeName.StartsWith("node", StringComparison.Ordinal)
                || !int.TryParse(nodeName.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var node))
            {
                continue;
            }

            var directory = HostPath.Combine(HostPath.Combine(KernelPaths.NumaNodes, nodeName), "hugepages");
            foreach (var poolName in sysfs.Host.ListDirectory(directory))
            {
                if (!poolName.StartsWith("hugepages-", StringComparison.Ordinal) || !poolName.EndsWith("kB", StringComparison.Ordinal)
                    || !long.TryParse(poolName.AsSpan(10, poolName.Length - 12), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                    || !int.TryParse(sysfs.TryReadLine(HostPath.Combine(HostPath.Combine(directory, poolName), "nr_hugepages")), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    continue;
                }

                pools.Add(new HugepagePool(node, size, count));
            }
        }

        return pools.ToImmutable();
    }
}
