using System.Globalization;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>The kernel model: GRUB and hugepages.</summary>
internal sealed partial class KernelModel
{
    private CommandResult UpdateGrub()
    {
        if (!_tree.Exists("/etc/default/grub"))
        {
            return new CommandResult(1, string.Empty, "/usr/sbin/grub-mkconfig: /etc/default/grub: No such file or directory\n");
        }

        _tree.Text("/boot/grub/grub.cfg", GrubConfig.GenerateCfg(_tree.ReadText("/etc/default/grub"), Data.KernelRelease, Data.Grub.Root));
        return new CommandResult(0, string.Empty, $"Generating grub configuration file ...\nFound linux image: /boot/vmlinuz-{Data.KernelRelease}\ndone\n");
    }

    private void SetHugepages(string resolved, string value, string hostPath)
    {
        if (!TryParseKernelNumber(value, out var pages) || pages > (ulong)int.MaxValue)
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        var text = pages.ToString(CultureInfo.InvariantCulture) + "\n";
        _tree.Text(resolved, text);
        _tree.Text($"{HostPath.Parent(resolved)}/free_hugepages", text);
        var size = Path.GetFileName(HostPath.Parent(resolved));
        if (resolved.StartsWith("/sys/devices/system/node/", StringComparison.Ordinal))
        {
            var total = Enumerable.Range(0, Data.NumaNodes)
                .Sum(n => long.Parse(_tree.ReadText($"/sys/devices/system/node/node{n}/hugepages/{size}/nr_hugepages").Trim(), CultureInfo.InvariantCulture));
            var global = total.ToString(CultureInfo.InvariantCulture) + "\n";
            _tree.Text($"/sys/kernel/mm/hugepages/{size}/nr_hugepages", global);
            _tree.Text($"/sys/kernel/mm/hugepages/{size}/free_hugepages", global);
        }
    }

    private void StoreBoolean(string resolved, string value, string hostPath)
    {
        var text = value.TrimEnd('\n');
        var parsed = text switch
        {
            "1" or "y" or "Y" or "on" => "1",
            "0" or "n" or "N" or "off" => "0",
            _ => throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write"),
        };
        _tree.Text(resolved, parsed + "\n");
    }
}
