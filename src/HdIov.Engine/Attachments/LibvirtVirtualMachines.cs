using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Attachments;

/// <summary>
/// <see cref="IVirtualMachines"/> through libvirt (<c>libvirt.so.0</c>). One connection per URI, opened on first use
/// and kept until disposed, so every read and change of one apply goes through the same connection (which also
/// keeps the state of libvirt's in-process <c>test:///default</c> driver alive between calls).
/// </summary>
public sealed class LibvirtVirtualMachines : IVirtualMachines, IDisposable
{
    private readonly LibvirtUriMap _map;
    private readonly Dictionary<string, LibvirtConnection> _connections = new(StringComparer.Ordinal);

    // The target each URI resolved to, so a URI is resolved (and a simulated host's libvirtd checked) once per connection.
    private readonly Dictionary<string, string> _targets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public LibvirtVirtualMachines(LibvirtUriMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = map;
    }

    /// <summary>The VMs of a host: its URIs as written on a real host, as its map says on a simulated one.</summary>
    public static LibvirtVirtualMachines For(IHost host) => new(LibvirtUriMap.For(host));

    public DomainSnapshot? FindDomain(string uri, string name)
    {
        lock (_lock)
        {
            var connection = Connect(uri);
            using var domain = connection.LookupDomain(name);
            if (domain is null)
            {
                return null;
            }

            var active = connection.IsActive(domain);
            var config = connection.GetXml(domain, inactive: true);
            var live = active ? connection.GetXml(domain, inactive: false) : null;
            return new DomainSnapshot(uri, name, active, config, live);
        }
    }

    public IReadOnlyList<string> ListDomains(string uri)
    {
        lock (_lock)
        {
            return Connect(uri).ListDomainNames();
        }
    }

    public bool IsDormant(string uri) => _map.IsDormant(uri);

    public void AttachDevice(string uri, string name, string deviceXml, DomainChangeScope scope) =>
        Change(uri, name, deviceXml, scope, attach: true);

    public void DetachDevice(string uri, string name, string deviceXml, DomainChangeScope scope) =>
        Change(uri, name, deviceXml, scope, attach: false);

    public string ReadDefinition(string uri, string name)
    {
        lock (_lock)
        {
            var connection = Connect(uri);
            using var domain = connection.LookupDomain(name)
                ?? throw new LibvirtException("virDomainLookupByName", uri, LibvirtException.NoDomain, 0, $"Domain not found: no domain with matching name '{name}'");
            return connection.GetXml(domain, inactive: true, secure: true);
        }
    }

    public void Define(string uri, string domainXml)
    {
        lock (_lock)
        {
            Connect(uri).DefineDomain(domainXml);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Dispose();
            }

            _connections.Clear();
            _targets.Clear();
        }
    }

    private void Change(string uri, string name, string deviceXml, DomainChangeScope scope, bool attach)
    {
        if (scope == DomainChangeScope.None)
        {
            return;
        }

        var flags = (scope.HasFlag(DomainChangeScope.Config) ? Libvirt.VIR_DOMAIN_AFFECT_CONFIG : 0)
            | (scope.HasFlag(DomainChangeScope.Live) ? Libvirt.VIR_DOMAIN_AFFECT_LIVE : 0);
        lock (_lock)
        {
            var connection = Connect(uri);
            using var domain = connection.LookupDomain(name)
                ?? throw new LibvirtException(attach ? "virDomainAttachDeviceFlags" : "virDomainDetachDeviceFlags", uri, LibvirtException.NoDomain, 0, $"Domain not found: no domain with matching name '{name}'");
            if (attach)
            {
                connection.AttachDevice(domain, deviceXml, flags);
            }
            else
            {
                connection.DetachDevice(domain, deviceXml, flags);
            }
        }
    }

    private LibvirtConnection Connect(string uri)
    {
        if (_targets.TryGetValue(uri, out var open))
        {
            return _connections[open];
        }

        var target = _map.Resolve(uri);
        if (!_connections.TryGetValue(target, out var connection))
        {
            try
            {
                connection = LibvirtConnection.Open(target);
            }
            catch (LibvirtException) when (_map.IsOwnLibvirtd(uri))
            {
                // The simulated host's libvirtd left at its idle timeout between the check and the connection: start it again.
                connection = LibvirtConnection.Open(_map.Resolve(uri));
            }

            _connections[target] = connection;
        }

        _targets[uri] = target;
        return connection;
    }
}
