using System.Text;

namespace HdIov.Engine.Platform.BootService;

/// <summary>
/// The systemd unit that converges a host's spec at every boot: after the device drivers are loaded and udev has
/// settled (so PFs, mdev parents and QAT devices are registered) and after libvirtd (attachments read domains), before
/// <c>libvirt-guests.service</c> starts the VMs, so VDEVs that do not survive a reboot (ledger persistence, VFs, their
/// drivers) are back when the VMs want them. It is pulled in by a drop-in of <c>multi-user.target</c>
/// (<see cref="WantsDropInPath"/>), a plain file, so installing it needs no <c>systemctl enable</c>.
/// </summary>
public static class BootConvergeUnit
{
    public const string Name = "hdiov-converge.service";

    public const string UnitPath = "/etc/systemd/system/" + Name;

    public const string WantsDropInPath = "/etc/systemd/system/multi-user.target.d/hdiov-converge.conf";

    /// <summary>Characters a path in the unit cannot carry: systemd expands <c>$</c> and <c>%</c>, the command quotes with <c>'</c> and <c>"</c>.</summary>
    public static bool IsSafePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith('/') && path.All(c => !char.IsControl(c) && c is not ('\'' or '"' or '$' or '%' or '\\' or '`' or ';'));
    }

    /// <summary>The unit text for <paramref name="specPath"/>, run by <paramref name="pwshPath"/> with the module at <paramref name="modulePath"/>.</summary>
    /// <exception cref="ArgumentException">A path is not absolute or carries a character the unit cannot quote.</exception>
    public static string Render(string specPath, string pwshPath, string modulePath)
    {
        foreach (var (path, name) in new[] { (specPath, nameof(specPath)), (pwshPath, nameof(pwshPath)), (modulePath, nameof(modulePath)) })
        {
            if (!IsSafePath(path))
            {
                throw new ArgumentException($"'{path}' must be an absolute path without quotes, $, %, \\, ` or ;", name);
            }
        }

        var unit = new StringBuilder();
        unit.Append("# Written by Install-HdIovBootService. Converges the host to its HD-IOV spec at boot.\n");
        unit.Append("[Unit]\n");
        unit.Append("Description=Converge the HD-IOV devices to ").Append(specPath).Append('\n');
        unit.Append("Documentation=man:systemd.service(5)\n");
        unit.Append("After=systemd-modules-load.service systemd-udev-settle.service local-fs.target libvirtd.service\n");
        unit.Append("Wants=systemd-udev-settle.service\n");
        unit.Append("Before=libvirt-guests.service\n");
        unit.Append("ConditionPathExists=").Append(specPath).Append('\n');
        unit.Append('\n');
        unit.Append("[Service]\n");
        unit.Append("Type=oneshot\n");
        unit.Append("RemainAfterExit=yes\n");
        unit.Append("ExecStart=").Append(pwshPath).Append(" -NoLogo -NoProfile -NonInteractive -Command \"Import-Module '")
            .Append(modulePath).Append("'; Set-HdIovHostState -Path '").Append(specPath).Append("' -HostRoot / -Force -Confirm:$$false -ErrorAction Stop\"\n");
        unit.Append('\n');
        unit.Append("[Install]\n");
        unit.Append("WantedBy=multi-user.target\n");
        return unit.ToString();
    }

    /// <summary>The drop-in that makes <c>multi-user.target</c> want the unit.</summary>
    public static string WantsDropIn() => "# Written by Install-HdIovBootService.\n[Unit]\nWants=" + Name + "\n";
}
