namespace HdIov.Engine.Attachments;

/// <summary>
/// The engine's only way to VMs: read a domain, list domains, attach and detach one device, redefine a shut-off
/// domain's persistent definition. URIs are the ones the
/// spec or the user wrote (<c>qemu:///system</c>); the implementation decides which libvirt answers for them.
/// </summary>
public interface IVirtualMachines
{
    /// <summary>The domain's state and XML, or null when the connection has no domain of that name.</summary>
    DomainSnapshot? FindDomain(string uri, string name);

    /// <summary>The names of the domains on a connection, running or only defined, sorted ordinally.</summary>
    IReadOnlyList<string> ListDomains(string uri);

    /// <summary>
    /// Whether the libvirt answering <paramref name="uri"/> has never run, so it has no domain that holds a device (a
    /// simulated host's own libvirtd before its first use); reading it would only start it.
    /// </summary>
    bool IsDormant(string uri);

    void AttachDevice(string uri, string name, string deviceXml, DomainChangeScope scope);

    void DetachDevice(string uri, string name, string deviceXml, DomainChangeScope scope);

    /// <summary>
    /// The persistent definition to redefine the domain from: inactive and with its secrets (graphics passwords), as
    /// <c>virsh edit</c> reads it, so a redefinition keeps them.
    /// </summary>
    string ReadDefinition(string uri, string name);

    /// <summary>Replaces the persistent definition of the domain the XML names (<c>virDomainDefineXML</c>).</summary>
    void Define(string uri, string domainXml);
}
