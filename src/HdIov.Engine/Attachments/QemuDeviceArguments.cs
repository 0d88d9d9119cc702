using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Model;

namespace HdIov.Engine.Attachments;

/// <summary>
/// The QEMU arguments that hand VDEVs and VFs to a VM started by hand: <c>-device vfio-pci,sysfsdev=…,id=…</c> for a
/// VDEV and <c>-device vfio-pci,host=…,id=…</c> for a VF, with ids derived from the VDEV names (or the VF's address)
/// so the same spec always renders the same command line. Option values are escaped the way QEMU reads them
/// (<c>,</c> separates options, <c>,,</c> is a literal comma); what QEMU cannot read is refused.
/// </summary>
public static class QemuDeviceArguments
{
    /// <summary>
    /// The guest vIOMMU a VM needs to use PASID-capable VDEVs: a Q35 machine with a split irqchip and Intel's vIOMMU in
    /// scalable mode. It goes before the devices, since QEMU wants the vIOMMU before other PCI devices.
    /// </summary>
    public static ImmutableArray<string> IommuArguments { get; } =
    [
        "-machine", "q35,kernel-irqchip=split",
        "-device", "intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on",
    ];

    /// <summary>The prefix of every id this type derives, so ids never clash with the user's own devices.</summary>
    public const string IdPrefix = "hdiov-";

    /// <summary>
    /// The VDEVs the spec's attachments hand to <paramref name="vmName"/> (ordinal match; <c>vm:</c> and <c>qemu:</c>
    /// attachments alike), in spec order, with their UUIDs and the attachment's place in the spec.
    /// </summary>
    public static ImmutableArray<(VdevName Name, Guid Uuid, SourceLocation? Location)> DeclaredFor(HostSpec spec, string vmName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(vmName);
        return
        [
            .. spec.Attachments
                .Where(a => string.Equals(a.Vm?.Name ?? a.Qemu?.Name, vmName, StringComparison.Ordinal))
                .SelectMany(a => a.Vdevs.Select(name => (name, VdevIdentity.UuidFor(spec.Name, name), a.Location))),
        ];
    }

    /// <summary>
    /// The arguments for <paramref name="devices"/>, each as <c>-device</c> and its options, after
    /// <see cref="IommuArguments"/> when <paramref name="includeIommu"/> is set. <paramref name="sysfsRoot"/> is where
    /// the host's sysfs is mounted as QEMU sees it: <c>/sys</c> on a host.
    /// </summary>
    /// <exception cref="ArgumentException">A device has neither UUID nor address, an id is not a QEMU identifier, a value holds a control character, or two devices share an id.</exception>
    public static ImmutableArray<string> For(IEnumerable<VmDevice> devices, bool includeIommu = false, string sysfsRoot = "/sys")
    {
        ArgumentNullException.ThrowIfNull(devices);
        var arguments = ImmutableArray.CreateBuilder<string>();
        if (includeIommu)
        {
            arguments.AddRange(IommuArguments);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var id = IdFor(device);
            if (!ids.Add(id))
            {
                throw new ArgumentException($"two devices would get the QEMU id '{id}'; each VDEV or VF can be handed to a VM once", nameof(devices));
            }

            arguments.Add("-device");
            arguments.Add(DeviceOptions(device, id, sysfsRoot));
        }

        return arguments.ToImmutable();
    }

    /// <summary>
    /// The QEMU id of a device: <c>hdiov-</c> and the VDEV name with <c>/</c> as <c>-</c> (<c>qat/0/asym/0</c> becomes
    /// <c>hdiov-qat-0-asym-0</c>), or for a VF <c>hdiov-vf-</c> and its address (<c>hdiov-vf-0000-f7-00.1</c>), or for a
    /// VDEV without a name <c>hdiov-</c> and its UUID.
    /// </summary>
    /// <exception cref="ArgumentException">The derived id is not a QEMU identifier.</exception>
    public static string IdFor(VmDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var id = device switch
        {
            { VdevName: { } name } => IdPrefix + name.Replace('/', '-'),
            { Uuid: { } uuid } => IdPrefix + uuid.ToString("D"),
            { PciAddress: { } address } => IdPrefix + "vf-" + address.ToString().Replace(':', '-'),
            _ => throw new ArgumentException("a device needs a UUID (VDEV) or a PCI address (VF)", nameof(device)),
        };
        return IsIdentifier(id)
            ? id
            : throw new ArgumentException($"'{HostPath.Printable(id)}' is not a QEMU id (letters, digits, '-', '.', '_', starting with a letter)", nameof(device));
    }

    /// <summary>Whether QEMU accepts <paramref name="id"/> as a device id: a letter, then letters, digits, '-', '.' or '_'.</summary>
    public static bool IsIdentifier(string id) =>
        id is { Length: > 0 }
        && char.IsAsciiLetter(id[0])
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    /// <summary>An option value as QEMU reads it: each <c>,</c> doubled.</summary>
    /// <exception cref="ArgumentException">The value is empty or holds a control character, which no QEMU option value can carry.</exception>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Any(char.IsControl))
        {
            throw new ArgumentException($"'{HostPath.Printable(value)}' cannot be a QEMU option value (empty, or holds a control character)", nameof(value));
        }

        return value.Replace(",", ",,", StringComparison.Ordinal);
    }

    /// <summary>
    /// The arguments as one line a POSIX shell reads back into the same words: words of safe characters stay bare,
    /// others are single-quoted.
    /// </summary>
    public static string ToShellText(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Join(' ', arguments.Select(Quote));

        static string Quote(string word) =>
            word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ',' or '=' or ':' or '+' or '@')
                ? word
                : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static string DeviceOptions(VmDevice device, string id, string sysfsRoot)
    {
        var source = device switch
        {
            { Uuid: { } uuid } => "sysfsdev=" + EscapeValue($"{sysfsRoot.TrimEnd('/')}/bus/mdev/devices/{uuid:D}"),
            { PciAddress: { } address } => "host=" + EscapeValue(address.ToString()),
            _ => throw new ArgumentException("a device needs a UUID (VDEV) or a PCI address (VF)", nameof(device)),
        };
        return $"vfio-pci,{source},id={id}";
    }
}
