using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>
/// A Redfish client over HTTPS. It logs in through the service's SessionService when the service offers one (and
/// logs out when disposed), else uses basic authentication on every request. TLS certificates are verified against
/// the system's CAs, or against one given CA certificate, or (only when asked) not at all. Every failure is an
/// <see cref="HdIovException"/> naming the URL, the HTTP status and the fix; the password never appears in one.
/// Only paths on the configured service are requested, so the account is never sent to another host.
/// </summary>
public sealed class RedfishClient : IDisposable
{
    public const string ServiceRoot = "/redfish/v1/";

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly RedfishConnection _connection;
    private readonly HttpClient _http;
    private readonly X509Certificate2? _trustedCa;
    private string? _tlsProblem;
    private AuthenticationHeaderValue? _basic;
    private string? _sessionToken;
    private string? _sessionPath;
    private bool _authenticated;

    public RedfishClient(RedfishConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        if (connection.CaCertificateFile is { } caFile && !connection.SkipCertificateVerification)
        {
            _trustedCa = LoadCa(caFile);
        }

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = connection.Timeout,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate },
        };
        _http = new HttpClient(handler) { Timeout = connection.Timeout, BaseAddress = new Uri(connection.Endpoint.GetLeftPart(UriPartial.Authority)) };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.Add("OData-Version", "4.0");
    }

    public RedfishConnection Connection => _connection;

    /// <summary>The service's base URL (scheme, host, port), as messages show it.</summary>
    public string BaseUrl => _http.BaseAddress!.GetLeftPart(UriPartial.Authority);

    public RedfishResponse Get(string path, CancellationToken cancellationToken = default)
    {
        Authenticate(cancellationToken);
        return Send(HttpMethod.Get, path, null, null, cancellationToken);
    }

    /// <summary>PATCHes a resource; with <paramref name="ifMatch"/> the service refuses (412) when the resource changed since it was read.</summary>
    public RedfishResponse Patch(string path, JsonObject body, string? ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        Authenticate(cancellationToken);
        return Send(HttpMethod.Patch, path, body, ifMatch, cancellationToken);
    }

    public RedfishResponse Post(string path, JsonObject body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        Authenticate(cancellationToken);
        return Send(HttpMethod.Post, path, body, null, cancellationToken);
    }

    /// <summary>Logs out of the session this client opened, if any; a failing logout is ignored (the session times out).</summary>
    public void Dispose()
    {
        if (_sessionPath is not null)
        {
            try
            {
                using var request = NewRequest(HttpMethod.Delete, _sessionPath, null, null);
                using var response = _http.Send(request, CancellationToken.None);
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or HdIovException)
            {
                // The service forgets an idle session on its own (SessionService.SessionTimeout).
            }

            _sessionPath = null;
        }

        _http.Dispose();
        _trustedCa?.Dispose();
    }

    /// <summary>A path the service gave (<c>@odata.id</c>, a session's Location) if it stays on this service, else an error.</summary>
    public string OwnPath(string reference, string what)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var path = Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            ? (absolute.GetLeftPart(UriPartial.Authority) == BaseUrl ? absolute.PathAndQuery : null)
            : reference;
        if (path is null || !path.StartsWith(ServiceRoot, StringComparison.Ordinal) || path.Contains("..", StringComparison.Ordinal) || path.Any(char.IsControl))
        {
            throw Failure(
                DiagnosticCodes.RedfishFailed,
                $"the Redfish service at {BaseUrl} names {what} at '{Show(reference)}', which is not a path under {ServiceRoot} on the same service",
                "check the BMC's firmware; the engine only follows links that stay on the service it was given");
        }

        return path;
    }

    private void Authenticate(CancellationToken cancellationToken)
    {
        if (_authenticated)
        {
            return;
        }

        _authenticated = true;
        var root = Send(HttpMethod.Get, ServiceRoot, null, null, cancellationToken, authenticate: false);
        if (root.Body.TryGetProperty("Links", out var links) && links.ValueKind == JsonValueKind.Object
            && links.TryGetProperty("Sessions", out var sessions) && sessions.TryGetProperty("@odata.id", out var sessionsId)
            && sessionsId.GetString() is { } sessionsPath)
        {
            if (TryLogin(OwnPath(sessionsPath, "its session collection"), cancellationToken))
            {
                return;
            }
        }

        _basic = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_connection.Credential.UserName}:{_connection.Credential.Password}")));
    }

    /// <summary>Opens a session; false when the service has no working session login (then basic authentication is used).</summary>
    private bool TryLogin(string sessionsPath, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["UserName"] = _connection.Credential.UserName, ["Password"] = _connection.Credential.Password };
        using var request = NewRequest(HttpMethod.Post, sessionsPath, body, null);
        using var response = Exchange(request, sessionsPath, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw StatusFailure(response, sessionsPath);
        }

        if (!response.Headers.TryGetValues("X-Auth-Token", out var tokens) || tokens.FirstOrDefault() is not { Length: > 0 } token)
        {
            return false;
        }

        _sessionToken = token;
        _sessionPath = response.Headers.Location is { } location ? OwnPath(location.ToString(), "the new session") : null;
        return true;
    }

    private RedfishResponse Send(HttpMethod method, string path, JsonObject? body, string? ifMatch, CancellationToken cancellationToken, bool authenticate = true)
    {
        using var request = NewRequest(method, path, body, ifMatch, authenticate);
        using var response = Exchange(request, path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw StatusFailure(response, path);
        }

        var etag = response.Headers.ETag?.ToString();
        using var stream = response.Content.ReadAsStream(cancellationToken);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (buffer.Length == 0)
        {
            return new RedfishResponse(JsonDocument.Parse("{}").RootElement.Clone(), etag);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return new RedfishResponse(document.RootElement.Clone(), etag);
        }
        catch (JsonException)
        {
            throw Failure(DiagnosticCodes.RedfishFailed, $"{method} {Url(path)} answered {(int)response.StatusCode} with a body that is not JSON", "check that the endpoint is the BMC's Redfish service");
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, JsonObject? body, string? ifMatch, bool authenticate = true)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = JsonType;
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (authenticate && _sessionToken is not null)
        {
            request.Headers.Add("X-Auth-Token", _sessionToken);
        }
        else if (authenticate && _basic is not null)
        {
            request.Headers.Authorization = _basic;
        }

        return request;
    }

    private HttpResponseMessage Exchange(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        var url = Url(path);
        try
        {
            return _http.Send(request, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(
                DiagnosticCodes.RedfishFailed,
                string.Create(CultureInfo.InvariantCulture, $"{request.Method} {url} got no answer within {_connection.Timeout.TotalSeconds:0.#} s"),
                "check that the BMC is up and reachable from here, then run the command again");
        }
        catch (HttpRequestException failure) when (failure.InnerException is AuthenticationException || _tlsProblem is not null)
        {
            var reason = _tlsProblem ?? failure.InnerException?.Message ?? failure.Message;
            throw Failure(
                DiagnosticCodes.RedfishFailed,
                $"the TLS certificate of {BaseUrl} is not trusted ({reason}); nothing was sent to {url}",
                _trustedCa is null
                    ? "give the CA certificate that signed the BMC's certificate (bios.redfish.caCertificate: <file>), install it in the system's CA store, or, on a network you trust, set bios.redfish.insecure: true"
                    : "check that bios.redfish.caCertificate names the CA that signed the BMC's certificate and that the endpoint's host name is in the certificate");
        }
        catch (HttpRequestException failure)
        {
            var reason = failure.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : failure.Message;
            throw Failure(
                DiagnosticCodes.RedfishFailed,
                $"{request.Method} {url} failed: cannot reach the Redfish service ({Show(reason)})",
                "check bios.redfish.endpoint (https://<bmc address>[:port]) and that the BMC's HTTPS port is reachable from here");
        }
    }

    private HdIovException StatusFailure(HttpResponseMessage response, string path)
    {
        var url = Url(path);
        var status = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}");
        var detail = RedfishMessage(response) is { } message ? $": {message}" : string.Empty;
        var method = response.RequestMessage?.Method.ToString() ?? "request";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => Failure(
                DiagnosticCodes.RedfishFailed,
                $"the Redfish service refused the account '{_connection.Credential.UserName}' ({method} {url}: {status}); nothing was changed",
                "check the BMC user name and password (PowerShell: -BmcCredential, or HDIOV_BMC_USERNAME and HDIOV_BMC_PASSWORD; Pulumi: bmcUsername and bmcPassword); repeated failures may lock the account"),
            HttpStatusCode.Forbidden => Failure(
                DiagnosticCodes.RedfishFailed,
                $"the account '{_connection.Credential.UserName}' may not do this ({method} {url}: {status}{detail})",
                "use a BMC account with the ConfigureComponents privilege (an Administrator or Operator role)"),
            HttpStatusCode.NotFound => Failure(
                DiagnosticCodes.RedfishFailed,
                $"{method} {url}: {status}{detail}",
                "check bios.redfish.system against the ids under /redfish/v1/Systems, and that the BMC exposes BIOS settings through Redfish"),
            HttpStatusCode.PreconditionFailed => Failure(
                DiagnosticCodes.RedfishSettingsChanged,
                $"the pending BIOS settings at {url} changed since the plan was made ({status})",
                "plan again and review the new plan; someone else changed the BMC's pending settings"),
            _ => Failure(
                DiagnosticCodes.RedfishFailed,
                $"{method} {url}: {status}{detail}",
                (int)response.StatusCode >= 500
                    ? "the BMC failed; check its event log, wait for it to finish other jobs, then run the command again"
                    : "check the attribute names and values against the BMC's attribute registry"),
        };
    }

    /// <summary>The first message of a Redfish error body (<c>error.@Message.ExtendedInfo[].Message</c>, else <c>error.message</c>).</summary>
    private string? RedfishMessage(HttpResponseMessage response)
    {
        try
        {
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            using var document = JsonDocument.Parse(text);
            if (!document.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            if (error.TryGetProperty("@Message.ExtendedInfo", out var info) && info.ValueKind == JsonValueKind.Array
                && info.EnumerateArray().Select(i => i.TryGetProperty("Message", out var m) ? m.GetString() : null).FirstOrDefault(m => m is not null) is { } extended)
            {
                return Show(extended);
            }

            return error.TryGetProperty("message", out var plain) && plain.GetString() is { } message ? Show(message) : null;
        }
        catch (Exception failure) when (failure is JsonException or InvalidOperationException or HttpRequestException or NotSupportedException)
        {
            return null;
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_connection.SkipCertificateVerification)
        {
            return true;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (_trustedCa is null || certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            _tlsProblem = Describe(errors);
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_trustedCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        using var leaf = new X509Certificate2(certificate);
        if (custom.Build(leaf))
        {
            return true;
        }

        _tlsProblem = "not signed by the CA in " + Path.GetFileName(_connection.CaCertificateFile) + ": "
            + string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()));
        return false;
    }

    private static string Describe(SslPolicyErrors errors) => errors switch
    {
        _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) => "the certificate does not name this host",
        _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) => "the service sent no certificate",
        _ => "the certificate is not signed by a trusted CA",
    };

    private static X509Certificate2 LoadCa(string file)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(file);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.RedfishFailed,
                DiagnosticSeverity.Error,
                $"cannot read the CA certificate '{file}': {failure.Message}",
                "name a readable PEM or DER certificate file in bios.redfish.caCertificate (relative paths are taken from the spec file's folder)",
                null,
                "spec.platform.bios.redfish.caCertificate"));
        }
    }

    private string Url(string path) => BaseUrl + path;

    /// <summary>Text from the service or the network, with the password taken out should it ever be echoed.</summary>
    private string Show(string text) => _connection.Credential.Reveals(text) ? text.Replace(_connection.Credential.Password, "***", StringComparison.Ordinal) : text;

    private HdIovException Failure(string code, string message, string hint) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, Show(message), hint, null, "spec.platform.bios.redfish"));
}
