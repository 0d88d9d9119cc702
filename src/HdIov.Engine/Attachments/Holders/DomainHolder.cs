namespace HdIov.Engine.Attachments.Holders;

/// <summary>
/// A libvirt domain with the device among its hostdevs: in its persistent definition (<see cref="InConfig"/>), in the
/// running guest (<see cref="InLive"/>), or both. <see cref="AttachedByEngine"/> when the ledger records the attachment.
/// <see cref="Iommu"/> is what the domain's definition gives its guest of a virtual IOMMU (null when not read).
/// </summary>
public sealed record DomainHolder(string Uri, string Domain, bool Running, bool InConfig, bool InLive, bool AttachedByEngine, GuestIommu? Iommu = null) : DeviceHolder
{
    /// <summary>Where the hostdev is, as a libvirt change scope.</summary>
    public DomainChangeScope Scope =>
        (InConfig ? DomainChangeScope.Config : DomainChangeScope.None) | (InLive ? DomainChangeScope.Live : DomainChangeScope.None);

    public override string Describe() =>
        $"VM {Domain} at {Uri} ({(Running ? "running" : "shut off")}{(AttachedByEngine ? string.Empty : ", attached outside the engine")})";

    public override string Fix(string device) =>
        $"detach {device} from {Domain} (virsh -c {Uri} detach-device {Domain} <hostdev.xml>{(Running ? " --live" : string.Empty)} --config) or shut the VM down, "
        + "or set onHeld: detach on the device entry (or on the attachment that declares it for this VM) so the plan detaches it first and re-attaches it after";
}
