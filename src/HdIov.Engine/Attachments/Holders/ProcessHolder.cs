namespace HdIov.Engine.Attachments.Holders;

/// <summary>
/// A process that uses the device: a QEMU started by hand that names it on its command line (<c>sysfsdev=</c>,
/// <c>host=</c>), or any process with the device's IOMMU group (<c>/dev/vfio/&lt;group&gt;</c>) open.
/// </summary>
/// <remarks><paramref name="Guest"/> is the domain a libvirt-started QEMU runs (its <c>-name guest=</c>), so a plan can tell that process from
/// one started by hand.</remarks>
public sealed record ProcessHolder(int Pid, string CommandLine, string How, string? Guest = null) : DeviceHolder
{
    public override string Describe() => $"process {Pid} ({How}): {CommandLine}";

    public override string Fix(string device) =>
        $"stop process {Pid} or make it release {device}; a process cannot be detached from a device, so the plan waits for it";
}
