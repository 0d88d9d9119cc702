using HdIov.Engine.Model;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Configuration;

/// <summary>
/// The provider's configuration (stack config <c>hdiov:*</c> or an explicit provider's arguments). Values may come
/// as strings (default providers) or JSON text (explicit providers from generated SDKs).
/// </summary>
internal sealed record ProviderConfig(string HostRoot, string? HostName, BmcConnection? Bmc)
{
    public const string HostRootKey = "hostRoot";
    public const string HostNameKey = "hostName";
    public const string BmcEndpointKey = "bmcEndpoint";
    public const string BmcUsernameKey = "bmcUsername";
    public const string BmcPasswordKey = "bmcPassword";
    public const string VersionKey = "version";

    /// <summary>Keys whose change points the provider at another host: every resource it manages is orphaned.</summary>
    public static readonly IReadOnlySet<string> HostIdentityKeys = new HashSet<string>(StringComparer.Ordinal) { HostRootKey, HostNameKey };

    public static readonly IReadOnlyList<string> Keys = [HostRootKey, HostNameKey, BmcEndpointKey, BmcUsernameKey, BmcPasswordKey];

    /// <summary>Reads a config bag; every problem is a (key, reason) pair. Unknown values are tolerated.</summary>
    public static (ProviderConfig? Config, List<(string Key, string Reason)> Problems) Read(PropertyMap bag)
    {
        var problems = new List<(string, string)>();
        var revealed = bag.Reveal();
        var root = Text(revealed, HostRootKey) ?? "/";
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
        return (new ProviderConfig(root, name, bmc), problems);
    }

    private static string? Text(PropertyMap bag, string key) => bag.Get(key) switch
    {
        StringValue { Value.Length: > 0 } s => s.Value,
        _ => null,
    };
}
