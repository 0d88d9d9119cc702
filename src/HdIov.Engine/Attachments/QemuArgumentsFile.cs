using System.Text;
using System.Text.RegularExpressions;
using HdIov.Engine.Host;

namespace HdIov.Engine.Attachments;

/// <summary>
/// The include file of a QEMU VM started by hand (<c>qemu:</c> attachments): a POSIX shell fragment that appends the
/// VM's <see cref="QemuDeviceArguments"/> to the positional parameters, so a start script that sources it after
/// setting its own arguments runs <c>qemu-system-x86_64 "$@"</c> with no word splitting or <c>eval</c>:
/// <code>
/// set -- -machine q35 -m 4G -drive file=/var/lib/vms/vm01.qcow2
/// . /etc/hdiov/qemu/vm01.args
/// exec qemu-system-x86_64 "$@"
/// </code>
/// </summary>
public static partial class QemuArgumentsFile
{
    /// <summary>Where the files go when an attachment names none: <c>/etc/hdiov/qemu/&lt;vm&gt;.args</c>.</summary>
    public const string DefaultDirectory = "/etc/hdiov/qemu";

    public const string Extension = ".args";

    private const int MaxPathLength = 4096;

    /// <summary>Virtual file systems the kernel owns: no file of ours belongs there.</summary>
    private static readonly string[] KernelFileSystems = ["/proc", "/sys", "/dev"];

    public static string DefaultPath(string vmName)
    {
        ArgumentNullException.ThrowIfNull(vmName);
        return HostPath.Combine(DefaultDirectory, vmName + Extension);
    }

    /// <summary>Why <paramref name="path"/> cannot be an arguments file, or null when it can: an absolute, normalized path to a file outside /proc, /sys and /dev.</summary>
    public static string? PathProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/')
        {
            return "the path is not absolute";
        }

        if (path.Length > MaxPathLength || path.Any(char.IsControl))
        {
            return "the path is too long or holds a control character";
        }

        var segments = path[1..].Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or ".." || s.Length > 255))
        {
            return path.EndsWith('/') ? "the path names a folder, not a file" : "the path holds an empty, '.' or '..' segment";
        }

        return KernelFileSystems.Any(k => path.StartsWith(k + "/", StringComparison.Ordinal))
            ? "it lies in a file system the kernel owns (/proc, /sys or /dev)"
            : null;
    }

    /// <summary>The file's text: a comment naming the VM and how to use it, then one <c>set -- "$@"</c> command with the arguments.</summary>
    public static string Render(string vmName, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(vmName);
        ArgumentNullException.ThrowIfNull(arguments);
        var text = new StringBuilder()
            .Append("# QEMU arguments for VM ").Append(vmName).Append(", written by HdIov: a converge undoes edits made here.\n")
            .Append("# In the VM's start script: set -- <its own arguments>; . <this file>; exec qemu-system-x86_64 \"$@\"\n")
            .Append("set -- \"$@\"");
        for (var index = 0; index < arguments.Count; index++)
        {
            // An option and its value share a line: "-device vfio-pci,...".
            var pair = index + 1 < arguments.Count && arguments[index].StartsWith('-') && !arguments[index + 1].StartsWith('-');
            var words = pair ? [arguments[index], arguments[++index]] : new[] { arguments[index] };
            text.Append(" \\\n    ").Append(QemuDeviceArguments.ToShellText(words));
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The mdev UUIDs an arguments file names (<c>sysfsdev=…/&lt;uuid&gt;</c>), whoever wrote it; empty for no text.</summary>
    public static IReadOnlySet<Guid> NamedVdevs(string? text) => NamedVdevsInOrder(text).ToHashSet();

    /// <summary>The mdev UUIDs an arguments file names, each once, in the order of the file.</summary>
    public static IReadOnlyList<Guid> NamedVdevsInOrder(string? text)
    {
        var uuids = new List<Guid>();
        if (text is null)
        {
            return uuids;
        }

        foreach (Match match in SysfsdevUuid().Matches(text))
        {
            if (Guid.TryParseExact(match.Groups[1].Value, "D", out var uuid) && !uuids.Contains(uuid))
            {
                uuids.Add(uuid);
            }
        }

        return uuids;
    }

    /// <summary>The VM an arguments file the engine wrote is for (its first line), or null when the text has no such line.</summary>
    public static string? VmNameOf(string? text) =>
        text is not null && Header().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>True when the text asks QEMU for Intel's vIOMMU.</summary>
    public static bool NamesIommu(string? text) => text?.Contains("intel-iommu", StringComparison.Ordinal) == true;

    [GeneratedRegex(@"\A# QEMU arguments for VM ([A-Za-z0-9][A-Za-z0-9._-]*), written by HdIov")]
    private static partial Regex Header();

    [GeneratedRegex(@"sysfsdev=[^,\s']*/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")]
    private static partial Regex SysfsdevUuid();
}
