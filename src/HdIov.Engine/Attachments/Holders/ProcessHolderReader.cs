using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Attachments.Holders;

/// <summary>
/// The processes that hold devices: a QEMU started by hand names a VDEV as <c>-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/&lt;uuid&gt;</c>
/// and a VF as <c>host=&lt;address&gt;</c> on its command line (<c>/proc/&lt;pid&gt;/cmdline</c>), and any user of a
/// device keeps its IOMMU group (<c>/dev/vfio/&lt;group&gt;</c>) open (<c>/proc/&lt;pid&gt;/fd</c>).
/// </summary>
public static class ProcessHolderReader
{
    private const string Proc = "/proc";
    private const string VfioPrefix = "/dev/vfio/";

    public static ImmutableArray<HeldDevice> Read(IHost host, ImmutableArray<PciFunction> functions, ImmutableArray<MdevDevice> mdevs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var held = ImmutableArray.CreateBuilder<HeldDevice>();
        if (!host.IsDirectory(Proc))
        {
            return held.ToImmutable();
        }

        var byGroup = mdevs.Where(m => m.IommuGroup is not null).Select(m => (Group: m.IommuGroup!.Value, Mdev: (Guid?)m.Uuid, Function: (PciAddress?)null))
            .Concat(functions.Where(f => f.IommuGroup is not null).Select(f => (Group: f.IommuGroup!.Value, Mdev: (Guid?)null, Function: (PciAddress?)f.Address)))
            .ToLookup(d => d.Group);
        foreach (var entry in host.ListDirectory(Proc).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var arguments = CommandLineOf(host, pid);
            if (arguments is null)
            {
                continue;
            }

            var commandLine = string.Join(' ', arguments);
            var guest = GuestOf(arguments);
            var seen = new HashSet<(Guid?, PciAddress?)>();
            foreach (var (mdev, function, how) in Named(arguments))
            {
                if (seen.Add((mdev, function)))
                {
                    held.Add(new HeldDevice(mdev, function, new ProcessHolder(pid, commandLine, how, guest)));
                }
            }

            foreach (var group in VfioGroupUsageReader.GroupsOf(host, pid))
            {
                foreach (var device in byGroup[group])
                {
                    if (seen.Add((device.Mdev, device.Function)))
                    {
                        held.Add(new HeldDevice(device.Mdev, device.Function, new ProcessHolder(pid, commandLine, string.Create(CultureInfo.InvariantCulture, $"has {VfioPrefix}{group} open"), guest)));
                    }
                }
            }
        }

        return held.ToImmutable();
    }

    /// <summary>The devices a QEMU command line names: <c>sysfsdev=</c> paths ending in an mdev UUID or a PCI address, and <c>host=</c> addresses.</summary>
    internal static IEnumerable<(Guid? Mdev, PciAddress? Function, string How)> Named(IReadOnlyList<string> arguments)
    {
        foreach (var option in arguments.SelectMany(a => a.Split(',')))
        {
            if (option.StartsWith("sysfsdev=", StringComparison.Ordinal))
            {
                var last = option["sysfsdev=".Length..].TrimEnd('/').Split('/')[^1];
                if (Guid.TryParseExact(last, "D", out var uuid))
                {
                    yield return (uuid, null, "names it with sysfsdev=");
                }
                else if (PciAddress.TryParse(last, out var sysfsFunction))
                {
                    yield return (null, sysfsFunction, "names it with sysfsdev=");
                }
            }
            else if (option.StartsWith("host=", StringComparison.Ordinal))
            {
                var text = option["host=".Length..];
                if (PciAddress.TryParse(text, out var function) || PciAddress.TryParse("0000:" + text, out function))
                {
                    yield return (null, function, "names it with host=");
                }
            }
        }
    }

    /// <summary>The domain name of a QEMU libvirt started: <c>-name guest=&lt;domain&gt;,debug-threads=on</c> (or <c>-name &lt;domain&gt;</c>).</summary>
    internal static string? GuestOf(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == "-name")
            {
                var first = arguments[i + 1].Split(',')[0];
                return first.StartsWith("guest=", StringComparison.Ordinal) ? first["guest=".Length..] : first;
            }
        }

        return null;
    }

    private static string[]? CommandLineOf(IHost host, int pid)
    {
        try
        {
            var text = host.ReadText(string.Create(CultureInfo.InvariantCulture, $"{Proc}/{pid}/cmdline"));
            var arguments = text.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return arguments.Length == 0 ? null : arguments;
        }
        catch (Exception gone) when (gone is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
