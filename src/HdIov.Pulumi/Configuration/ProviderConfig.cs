using HdIov.Engine.Model;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Configuration;

/// <summary>
/// The provider's configuration (stack config <c>hdiov:*</c> or an explicit provider's arguments). Values may come
/// as strings (default providers) or JSON text (explicit providers from generated SDKs). Without <c>connection</c> the
/// host is <c>hostRoot</c> on this machine; with it, the host at the other end of an SSH connection, where the engine runs.
/// </summary>
internal sealed record ProviderConfig(string HostRoot, string? HostName, BmcConnection? Bmc)
{
    /// <summary>The SSH connection to the host (config <c>connection</c>); null for a host root on this machine.</summary>
    public SshConnection? Connection { get; init; }

    public const string HostRootKey = "hostRoot";
    public const string HostNameKey = "hostName";
    public const string BmcEndpointKey = "bmcEndpoint";
    public const string BmcUsernameKey = "bmcUsername";
    public const string BmcPasswordKey = "bmcPassword";
    public const string ConnectionKey = "connection";
    public const string VersionKey = "version";

    /// <summary>Keys whose change points the provider at another host: every resource it manages is orphaned.</summary>
    public static readonly IReadOnlySet<string> HostIdentityKeys = new HashSet<string>(StringComparer.Ordinal) { HostRootKey, HostNameKey };

    public static readonly IReadOnlyList<string> Keys = [HostRootKey, HostNameKey, BmcEndpointKey, BmcUsernameKey, BmcPasswordKey, ConnectionKey];

    /// <summary>Reads a config bag; every problem is a (key, reason) pair. Unknown values are tolerated.</summary>
    public static (ProviderConfig? Config, List<(string Key, string Reason)> Problems) Read(PropertyMap bag)
    {
        var problems = new List<(string, string)>();
        var revealed = bag.Reveal();
        var root = Text(revealed, HostRootKey) ?? "/";
        SshConnection? connection = null;
        if (bag.Get(ConnectionKey) is { } connectionValue && !connectionValue.Reveal().Equals(PropertyValue.Null))
        {
            (connection, var connectionProblems) = SshConnection.Read(ConnectionKey, connectionValue);
            problems.AddRange(connectionProblems);
            if (Text(revealed, HostRootKey) is not null)
            {
                problems.Add((HostRootKey, "hostRoot and connection exclude each other: with connection the engine works on the host's own root ('/', or the HDIOV_HOST_ROOT its SSH server sets); remove hostRoot"));
            }

            if (Text(revealed, HostNameKey) is null)
            {
                problems.Add((HostNameKey, "a host reached over connection needs hostName, its identity (which seeds every VDEV UUID); give the name the host has in your inventory"));
            }
        }

        if (!Path.IsPathRooted(root) || root.Contains('\0', StringComparison.Ordinal))
        {
            problems.Add((HostRootKey, $"'{root}' is not an absolute path; give the host's root folder, '/' for this machine or the folder of a simulated host"));
        }

        var name = Text(revealed, HostNameKey);
        if (name is not null && !Names.IsValid(name))
        {
            problems.Add((HostNameKey, $"'{name}' is not a valid host name: 1 to {Names.MaxLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit"));
        }

        var endpoint = Text(revealed, BmcEndpointKey);
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            problems.Add((BmcEndpointKey, $"'{endpoint}' is not an http(s) URL of a Redfish service, e.g. https://bmc.example/"));
        }

        foreach (var key in bag.Keys.Where(k => k != VersionKey && !Keys.Contains(k)))
        {
            problems.Add((key, $"'{key}' is not a configuration key of hdiov; use one of: {string.Join(", ", Keys)}"));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var bmc = endpoint is null ? null : new BmcConnection(endpoint, Text(revealed, BmcUsernameKey), Text(revealed, BmcPasswordKey));
        return (new ProviderConfig(root, name, bmc) { Connection = connection }, problems);
    }

    private static string? Text(PropertyMap bag, string key) => bag.Get(key) switch
    {
        StringValue { Value.Length: > 0 } s => s.Value,
        _ => null,
    };
}
