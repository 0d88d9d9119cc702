using HdIov.Engine.Model;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>
/// How to reach one BMC: its base URL, the account, which ComputerSystem to configure (null: the only one), how to
/// verify its TLS certificate, and how long one request may take.
/// </summary>
public sealed record RedfishConnection(
    Uri Endpoint,
    RedfishCredential Credential,
    string? SystemId = null,
    string? CaCertificateFile = null,
    bool SkipCertificateVerification = false)
{
    /// <summary>How long one request may take before it fails with the URL named.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The connection a spec's <c>bios.redfish</c> describes, with a relative <c>caCertificate</c> taken relative to the
    /// spec file's folder.
    /// </summary>
    public static RedfishConnection For(RedfishSpec spec, RedfishCredential credential, string? specFile)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(credential);
        var ca = spec.CaCertificate;
        if (ca is not null && !Path.IsPathRooted(ca) && specFile is not null && Path.GetDirectoryName(Path.GetFullPath(specFile)) is { } folder)
        {
            ca = Path.Combine(folder, ca);
        }

        return new RedfishConnection(spec.Endpoint, credential, spec.System, ca, spec.Insecure);
    }

    /// <summary>The service's address without the account, for messages.</summary>
    public override string ToString() => $"Redfish service {Endpoint.GetLeftPart(UriPartial.Authority)} as {Credential.UserName}";
}
