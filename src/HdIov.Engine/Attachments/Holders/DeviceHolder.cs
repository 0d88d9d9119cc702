using System.Text.Json.Serialization;

namespace HdIov.Engine.Attachments.Holders;

/// <summary>Who holds a VDEV or VF: a libvirt domain, a process, containers through the CDI spec, or QEMU VMs started from an arguments file.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(DomainHolder), "domain")]
[JsonDerivedType(typeof(ProcessHolder), "process")]
[JsonDerivedType(typeof(ContainerHolder), "container")]
[JsonDerivedType(typeof(QemuArgumentsFileHolder), "qemuArgumentsFile")]
public abstract record DeviceHolder
{
    /// <summary>The holder in a few words, for plans, warnings and inventories (<c>VM vm01 at qemu:///system (running)</c>).</summary>
    public abstract string Describe();

    /// <summary>What a user does so the engine may change the device.</summary>
    public abstract string Fix(string device);

    public override string ToString() => Describe();
}
