using System.Globalization;
using System.Text.Json;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Configuration;

/// <summary>
/// How the provider reaches its host over SSH (config <c>connection</c>): address, port, account, the account's private
/// key, and the host's public key, which is the only key the connection accepts. <see cref="ToString"/> never shows the
/// private key.
/// </summary>
internal sealed record SshConnection(string Host, int Port, string User, string PrivateKey, string HostKey)
{
    public const string AddressKey = "host";
    public const string PortKey = "port";
    public const string UserKey = "user";
    public const string PrivateKeyKey = "privateKey";
    public const string HostKeyKey = "hostKey";
    public const int DefaultPort = 22;

    public static readonly IReadOnlyList<string> Keys = [AddressKey, PortKey, UserKey, PrivateKeyKey, HostKeyKey];

    /// <summary>Public key algorithms an SSH server offers as host keys (the first word of a <c>.pub</c> file).</summary>
    private static readonly HashSet<string> HostKeyTypes = new(StringComparer.Ordinal)
    {
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    };

    /// <summary>Where the connection goes, for messages: <c>user@host:port</c>.</summary>
    public string Destination => string.Create(CultureInfo.InvariantCulture, $"{User}@{Host}:{Port}");

    /// <summary>The known-hosts line for <see cref="HostKey"/> (<c>[host]:port</c> unless the port is 22).</summary>
    public string KnownHostsLine =>
        (Port == DefaultPort ? Host : string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")) + " " + HostKey;

    public override string ToString() => $"SSH {Destination} (private key hidden)";

    /// <summary>
    /// Reads <c>connection</c>: an object, or its JSON text (how default providers and generated SDKs pass objects).
    /// Every problem is a (property path, reason) pair; the private key never appears in a reason.
    /// </summary>
    public static (SshConnection? Connection, List<(string Key, string Reason)> Problems) Read(string key, PropertyValue value)
    {
        var problems = new List<(string, string)>();
        var fields = Fields(value.Reveal());
        if (fields is null)
        {
            problems.Add((key, "give an object with host, port, user, privateKey and hostKey (or its JSON text)"));
            return (null, problems);
        }

        foreach (var unknown in fields.Keys.Where(k => !Keys.Contains(k)))
        {
            problems.Add(($"{key}.{unknown}", $"'{unknown}' is not a field of connection; use one of: {string.Join(", ", Keys)}"));
        }

        var host = Text(fields, AddressKey);
        if (host is null || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || host.StartsWith('-') || host.Contains('@', StringComparison.Ordinal))
        {
            problems.Add(($"{key}.{AddressKey}", host is null
                ? "the host's address or DNS name is missing"
                : $"'{host}' is not a host address or name (no spaces, no user@, not starting with '-')"));
        }

        var port = PortOf(fields.Get(PortKey), out var portProblem);
        if (portProblem is not null)
        {
            problems.Add(($"{key}.{PortKey}", portProblem));
        }

        var user = Text(fields, UserKey);
        if (user is null || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '@') || user.StartsWith('-'))
        {
            problems.Add(($"{key}.{UserKey}", user is null ? "the account to log in as is missing (e.g. root)" : $"'{user}' is not an account name"));
        }

        var privateKey = Text(fields, PrivateKeyKey);
        if (privateKey is null || !privateKey.TrimStart().StartsWith("-----BEGIN ", StringComparison.Ordinal) || !privateKey.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            problems.Add(($"{key}.{PrivateKeyKey}", privateKey is null
                ? "the private key is missing: give the text of the key file (-----BEGIN OPENSSH PRIVATE KEY----- ...), set as a secret"
                : "this is not the text of a private key file (-----BEGIN OPENSSH PRIVATE KEY----- ...); give the key file's text, set as a secret"));
        }

        var hostKey = HostKeyOf(Text(fields, HostKeyKey), out var hostKeyProblem);
        if (hostKeyProblem is not null)
        {
            problems.Add(($"{key}.{HostKeyKey}", hostKeyProblem));
        }

        return problems.Count > 0 ? (null, problems) : (new SshConnection(host!, port, user!, privateKey!, hostKey!), problems);
    }

    /// <summary>
    /// <paramref name="value"/> with <c>privateKey</c> in a secret envelope: in an object, the key itself; in JSON text
    /// (which holds the key), the whole text.
    /// </summary>
    public static PropertyValue WithSecretKey(PropertyValue value) => value switch
    {
        SecretValue => value,
        ObjectValue o when o.Map.Get(PrivateKeyKey) is { } key => PropertyValue.From(o.Map.With(PrivateKeyKey, PropertyValue.Secret(key))),
        StringValue => PropertyValue.Secret(value),
        _ => value,
    };

    private static PropertyMap? Fields(PropertyValue value)
    {
        switch (value)
        {
            case ObjectValue o:
                return o.Map;
            case StringValue { Value: var text } when text.TrimStart().StartsWith('{'):
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return document.RootElement.ValueKind == JsonValueKind.Object
                        ? new PropertyMap(document.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value))))
                        : null;
                }
                catch (JsonException)
                {
                    return null;
                }

            default:
                return null;
        }
    }

    private static PropertyValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => PropertyValue.From(element.GetString()!),
        JsonValueKind.Number => PropertyValue.From(element.GetDouble()),
        JsonValueKind.True => PropertyValue.From(true),
        JsonValueKind.False => PropertyValue.From(false),
        _ => PropertyValue.Null,
    };

    private static int PortOf(PropertyValue? value, out string? problem)
    {
        problem = null;
        double? number = value is null || value.Reveal().Equals(PropertyValue.Null) ? DefaultPort : value.Reveal() switch
        {
            NumberValue n => n.Value,
            StringValue s when double.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (number is not { } port || port != Math.Floor(port) || port < 1 || port > 65535)
        {
            problem = $"{value?.Reveal()} is not a TCP port; give a whole number from 1 to 65535 (default {DefaultPort})";
            return 0;
        }

        return (int)port;
    }

    /// <summary>The key's type and base64 text (a <c>.pub</c> line, or a known-hosts line's key part; a comment is dropped).</summary>
    private static string? HostKeyOf(string? text, out string? problem)
    {
        problem = null;
        var words = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var at = Array.FindIndex(words, HostKeyTypes.Contains);
        if (at < 0 || at + 1 >= words.Length || !IsBase64(words[at + 1]))
        {
            problem = text is null
                ? "the host's public key is missing; give the line of its /etc/ssh/ssh_host_ed25519_key.pub (e.g. 'ssh-ed25519 AAAA...'), checked out of band"
                : "this is not an SSH public key; give the line of the host's /etc/ssh/ssh_host_ed25519_key.pub (e.g. 'ssh-ed25519 AAAA...')";
            return null;
        }

        return words[at] + " " + words[at + 1];
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var length) && length > 0;
    }

    private static string? Text(PropertyMap fields, string key) => fields.Get(key)?.Reveal() switch
    {
        StringValue { Value.Length: > 0 } s => s.Value,
        _ => null,
    };
}
