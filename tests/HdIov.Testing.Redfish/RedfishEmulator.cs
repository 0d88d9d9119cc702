using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HdIov.Testing.Redfish;

/// <summary>
/// A Redfish service on a loopback HTTPS port (Kestrel, with a CA and server certificate made at start): it serves the
/// DMTF <c>public-rackmount1</c> mockup read in place, authenticates with basic auth or a session token, adds a vendor's
/// virtualization attributes to the system's Bios, publishes a BIOS attribute registry, keeps a writable
/// <c>Bios/Settings</c> object (PATCH stores pending values and bumps its ETag, a stale If-Match gets 412), and applies
/// the pending values to <c>Bios.Attributes</c> on <c>ComputerSystem.Reset</c>, the stand-in for a reboot.
/// </summary>
public sealed class RedfishEmulator : IDisposable
{
    public const string SystemId = "437XR1138R2";
    public const string RegistryName = "BiosAttributeRegistryP89.v1_0_0";

    private const string Root = "/redfish/v1";
    private const string SystemPath = Root + "/Systems/" + SystemId;
    private const string BiosPath = SystemPath + "/Bios";
    private const string SettingsPath = BiosPath + "/Settings";
    private const string ResetPath = SystemPath + "/Actions/ComputerSystem.Reset";
    private const string SessionsPath = Root + "/SessionService/Sessions";
    private const string RegistriesPath = Root + "/Registries";
    private const string RegistryFilePath = RegistriesPath + "/" + RegistryName;
    private const string RegistryPath = RegistryFilePath + ".json";

    private readonly object _gate = new();
    private readonly RedfishEmulatorOptions _options;
    private readonly string _mockup;
    private readonly TestCertificates _certificates;
    private readonly string _folder;
    private readonly WebApplication _app;
    private readonly Dictionary<string, string[]> _allowed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, string> _sessions = new(StringComparer.Ordinal);
    private JsonObject _current;
    private JsonObject _pending;
    private int _settingsVersion = 1;
    private int _resets;

    private RedfishEmulator(RedfishEmulatorOptions options)
    {
        _options = options;
        _mockup = options.MockupFolder ?? MockupFolder.Find();
        _current = (JsonObject)ReadMockup(BiosPath)!["Attributes"]!.DeepClone();
        _pending = (JsonObject)ReadMockup(SettingsPath)!["Attributes"]!.DeepClone();
        foreach (var (name, value, allowed) in VendorAttributeSets.For(options.Vendor))
        {
            _current[name] = value;
            _pending[name] = value;
            _allowed[name] = allowed;
        }

        _certificates = TestCertificates.Create();
        _folder = Directory.CreateTempSubdirectory("hdiov-redfish-").FullName;
        CaCertificateFile = _certificates.WriteAuthorityPem(_folder);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _folder });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificates.Server)));
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address);
    }

    /// <summary>The service's base URL, e.g. https://127.0.0.1:40123/.</summary>
    public Uri Endpoint { get; }

    /// <summary>A PEM file with the CA that signed the service's certificate.</summary>
    public string CaCertificateFile { get; }

    public RedfishEmulatorOptions Options => _options;

    /// <summary>How many times ComputerSystem.Reset was posted.</summary>
    public int Resets => Volatile.Read(ref _resets);

    /// <summary>The settings object's ETag as the service sends it.</summary>
    public string SettingsETag
    {
        get
        {
            lock (_gate)
            {
                return ETagOf(_settingsVersion);
            }
        }
    }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static RedfishEmulator Start(RedfishEmulatorOptions? options = null) => new(options ?? new RedfishEmulatorOptions());

    /// <summary>The current BIOS attributes as text (numbers as written, booleans lower case).</summary>
    public IReadOnlyDictionary<string, string> CurrentAttributes()
    {
        lock (_gate)
        {
            return Texts(_current);
        }
    }

    /// <summary>The attributes in the pending settings object as text.</summary>
    public IReadOnlyDictionary<string, string> PendingAttributes()
    {
        lock (_gate)
        {
            return Texts(_pending);
        }
    }

    /// <summary>Sets a pending value directly (as another tool would through the BMC's web page).</summary>
    public void SetPending(string name, string value)
    {
        lock (_gate)
        {
            _pending[name] = value;
            _settingsVersion++;
        }
    }

    /// <summary>Applies the pending settings to the current ones, as a reboot of the system does.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            foreach (var (name, value) in _pending)
            {
                _current[name] = value?.DeepClone();
            }

            _pending = (JsonObject)_current.DeepClone();
            _settingsVersion++;
            _resets++;
        }
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _certificates.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value is { Length: > 1 } p ? p.TrimEnd('/') : "/";
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var (status, answer, etag, headers) = Answer(request.Method, path, body, request.Headers);
        _requests.Enqueue(new RecordedRequest(request.Method, path, body, request.Headers.IfMatch.FirstOrDefault(), request.Headers.Authorization.FirstOrDefault(), status));
        context.Response.StatusCode = status;
        context.Response.Headers["OData-Version"] = "4.0";
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }

        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (answer is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private (int Status, JsonNode? Body, string? ETag, (string, string)[] Headers) Answer(string method, string path, string body, IHeaderDictionary headers)
    {
        if (method == "GET" && path is Root)
        {
            return (200, ReadMockup(Root), null, []);
        }

        if (method == "POST" && path == SessionsPath)
        {
            return Login(body);
        }

        if (!Authenticated(headers))
        {
            return (401, Error("Base.1.5.0.AccessDenied", "While attempting to establish a connection, the service denied access."), null, [("WWW-Authenticate", "Basic realm=\"Redfish\"")]);
        }

        lock (_gate)
        {
            return (method, path) switch
            {
                ("GET", BiosPath) => (200, Bios(), null, []),
                ("GET", SettingsPath) => (200, Settings(), ETagOf(_settingsVersion), []),
                ("PATCH", SettingsPath) => Patch(body, headers.IfMatch.FirstOrDefault()),
                ("POST", ResetPath) => ResetAction(),
                ("GET", RegistriesPath) => (200, Registries(), null, []),
                ("GET", RegistryFilePath) when _options.PublishRegistry => (200, RegistryFile(), null, []),
                ("GET", RegistryPath) when _options.PublishRegistry => (200, Registry(), null, []),
                ("DELETE", _) when path.StartsWith(SessionsPath + "/", StringComparison.Ordinal) => Logout(path),
                ("GET", _) => ReadMockup(path) is { } resource ? (200, resource, null, []) : (404, Error("Base.1.5.0.ResourceMissingAtURI", $"The resource at the URI {path} was not found."), null, []),
                _ => (405, Error("Base.1.5.0.OperationNotAllowed", $"{method} is not allowed on {path}."), null, []),
            };
        }
    }

    private (int, JsonNode?, string?, (string, string)[]) Login(string body)
    {
        if (!_options.Sessions)
        {
            return (405, Error("Base.1.5.0.OperationNotAllowed", "Sessions are not offered."), null, []);
        }

        var login = JsonNode.Parse(body.Length == 0 ? "{}" : body) as JsonObject;
        if (login?["UserName"]?.GetValue<string>() != _options.UserName || login?["Password"]?.GetValue<string>() != _options.Password)
        {
            return (401, Error("Base.1.5.0.NoValidSession", "There is no valid session established with the implementation."), null, []);
        }

        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        _sessions[token] = id;
        var location = $"{SessionsPath}/{id}";
        var session = new JsonObject { ["@odata.id"] = location, ["Id"] = id, ["UserName"] = _options.UserName };
        return (201, session, null, [("X-Auth-Token", token), ("Location", location)]);
    }

    private (int, JsonNode?, string?, (string, string)[]) Logout(string path)
    {
        var id = path[(SessionsPath.Length + 1)..];
        var token = _sessions.FirstOrDefault(s => s.Value == id).Key;
        return token is not null && _sessions.TryRemove(token, out _) ? (204, null, null, []) : (404, Error("Base.1.5.0.ResourceMissingAtURI", $"No session {id}."), null, []);
    }

    private bool Authenticated(IHeaderDictionary headers)
    {
        if (headers.TryGetValue("X-Auth-Token", out var token) && token.FirstOrDefault() is { } tokenText && _sessions.ContainsKey(tokenText))
        {
            return true;
        }

        var authorization = headers.Authorization.FirstOrDefault();
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            return pair == $"{_options.UserName}:{_options.Password}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private (int, JsonNode?, string?, (string, string)[]) Patch(string body, string? ifMatch)
    {
        if (ifMatch is not null && ifMatch != "*" && ifMatch != ETagOf(_settingsVersion))
        {
            return (412, Error("Base.1.5.0.PreconditionFailed", "The ETag supplied did not match the ETag required to change this resource."), null, []);
        }

        if (JsonNode.Parse(body.Length == 0 ? "{}" : body) is not JsonObject patch || patch["Attributes"] is not JsonObject attributes)
        {
            return (400, Error("Base.1.5.0.MalformedJSON", "The request body submitted was malformed JSON or had no Attributes."), null, []);
        }

        foreach (var (name, value) in attributes)
        {
            if (!_current.ContainsKey(name))
            {
                return (400, Error("Base.1.5.0.PropertyUnknown", $"The property {name} is not in the list of valid properties for the resource."), null, []);
            }

            var kind = _current[name]!.GetValueKind();
            var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToJsonString();
            if (value is null || value.GetValueKind() != kind || (_allowed.TryGetValue(name, out var allowed) && !allowed.Contains(text)))
            {
                return (400, Error("Base.1.5.0.PropertyValueNotInList", $"The value {text} for the property {name} is not in the list of acceptable values."), null, []);
            }
        }

        foreach (var (name, value) in attributes)
        {
            _pending[name] = value!.DeepClone();
        }

        _settingsVersion++;
        return (204, null, ETagOf(_settingsVersion), []);
    }

    private (int, JsonNode?, string?, (string, string)[]) ResetAction()
    {
        foreach (var (name, value) in _pending)
        {
            _current[name] = value?.DeepClone();
        }

        _pending = (JsonObject)_current.DeepClone();
        _settingsVersion++;
        _resets++;
        return (204, null, null, []);
    }

    private JsonObject Bios()
    {
        var bios = ReadMockup(BiosPath)!.AsObject();
        bios["Attributes"] = _current.DeepClone();
        bios["@Redfish.Settings"]!["ETag"] = ETagOf(_settingsVersion).Trim('"');
        return bios;
    }

    private JsonObject Settings()
    {
        var settings = ReadMockup(SettingsPath)!.AsObject();
        settings["Attributes"] = _pending.DeepClone();
        return settings;
    }

    private JsonObject Registries()
    {
        var registries = ReadMockup(RegistriesPath)!.AsObject();
        if (_options.PublishRegistry)
        {
            var members = registries["Members"]!.AsArray();
            members.Add(new JsonObject { ["@odata.id"] = RegistryFilePath });
            registries["Members@odata.count"] = members.Count;
        }

        return registries;
    }

    private static JsonObject RegistryFile() => new JsonObject
    {
        ["@odata.type"] = "#MessageRegistryFile.v1_1_3.MessageRegistryFile",
        ["@odata.id"] = RegistryFilePath,
        ["Id"] = RegistryName,
        ["Registry"] = RegistryName,
        ["Name"] = "BIOS Attribute Registry File",
        ["Languages"] = new JsonArray("en"),
        ["Location"] = new JsonArray(new JsonObject { ["Language"] = "en", ["Uri"] = RegistryPath }),
    };

    private JsonObject Registry()
    {
        var attributes = new JsonArray();
        foreach (var (name, value) in _current)
        {
            var kind = value!.GetValueKind();
            var entry = new JsonObject
            {
                ["AttributeName"] = name,
                ["Type"] = kind == JsonValueKind.Number ? "Integer" : _allowed.ContainsKey(name) ? "Enumeration" : "String",
                ["ReadOnly"] = false,
                ["ResetRequired"] = true,
            };
            if (_allowed.TryGetValue(name, out var allowed))
            {
                entry["Value"] = new JsonArray([.. allowed.Select(a => (JsonNode)new JsonObject { ["ValueName"] = a, ["ValueDisplayName"] = a })]);
            }

            attributes.Add(entry);
        }

        return new JsonObject
        {
            ["@odata.type"] = "#AttributeRegistry.v1_3_0.AttributeRegistry",
            ["Id"] = RegistryName,
            ["Name"] = "BIOS Attribute Registry",
            ["Language"] = "en",
            ["OwningEntity"] = "HdIov test BMC",
            ["RegistryVersion"] = "1.0.0",
            ["RegistryEntries"] = new JsonObject { ["Attributes"] = attributes },
        };
    }

    /// <summary>A mockup resource by its URI (<c>/redfish/v1/...</c> maps to <c>.../index.json</c>, <c>*.json</c> to the file itself).</summary>
    private JsonNode? ReadMockup(string path)
    {
        if (!path.StartsWith(Root, StringComparison.Ordinal) || path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }

        var relative = path[Root.Length..].TrimStart('/');
        var file = relative.EndsWith(".json", StringComparison.Ordinal)
            ? Path.Combine(_mockup, relative)
            : Path.Combine(_mockup, relative, "index.json");
        return File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) : null;
    }

    private static JsonObject Error(string messageId, string message) => new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = messageId,
            ["message"] = message,
            ["@Message.ExtendedInfo"] = new JsonArray(new JsonObject { ["MessageId"] = messageId, ["Message"] = message }),
        },
    };

    private static string ETagOf(int version) => string.Create(CultureInfo.InvariantCulture, $"\"settings-{version}\"");

    private static Dictionary<string, string> Texts(JsonObject attributes) =>
        attributes.ToDictionary(
            a => a.Key,
            a => a.Value?.GetValueKind() == JsonValueKind.String ? a.Value.GetValue<string>() : a.Value?.ToJsonString() ?? "null",
            StringComparer.Ordinal);
}
