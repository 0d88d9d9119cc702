namespace HdIov.Engine.Attachments.Holders;

/// <summary>
/// A QEMU arguments file the engine wrote names the VDEV: a VM started from it opens the VDEV. A QEMU that runs is a
/// <see cref="ProcessHolder"/> as well; the file alone holds the VDEV like the CDI spec does, so a plan removes a VDEV
/// only together with the file's rewrite.
/// </summary>
public sealed record QemuArgumentsFileHolder(string Path) : DeviceHolder
{
    public override string Describe() => $"QEMU VMs started with the arguments file {Path}";

    public override string Fix(string device) =>
        $"remove {device} from the qemu attachment that writes {Path} (and restart the VMs started from it) first";
}
