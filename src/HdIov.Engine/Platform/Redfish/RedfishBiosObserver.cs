using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>
/// Adds the BMC's view of the BIOS to an observed host state when a spec asks for <c>source: redfish</c>. The
/// connection comes from the spec's <c>bios.redfish</c> (or the caller's endpoint) plus a credential the caller holds;
/// the spec never carries the account.
/// </summary>
public static class RedfishBiosObserver
{
    /// <summary>
    /// The connection a spec needs, or null when it does not use Redfish. <paramref name="endpoint"/> stands in for a
    /// spec without <c>bios.redfish</c> (the Pulumi provider's configuration); with neither, null (the plan then only
    /// checks). A missing credential is an error naming where to give one.
    /// </summary>
    public static RedfishConnection? ConnectionFor(HostSpec spec, RedfishCredential? credential, RedfishSpec? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Platform.Bios is not { Source: BiosSource.Redfish } bios || (bios.Redfish ?? endpoint) is not { } redfish)
        {
            return null;
        }

        if (credential is null)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.BmcCredentialMissing,
                DiagnosticSeverity.Error,
                $"the spec sets BIOS settings through the Redfish service {redfish.Endpoint.GetLeftPart(UriPartial.Authority)} and no BMC account was given",
                $"PowerShell: pass -BmcCredential (Get-Credential), or set {RedfishCredential.UserNameVariable} and {RedfishCredential.PasswordVariable}; Pulumi: set bios.redfish.username/password or the provider's bmcUsername/bmcPassword",
                bios.Locations.GetValueOrDefault("redfish"),
                "spec.platform.bios.redfish"));
        }

        return RedfishConnection.For(redfish, credential, spec.SourceFile);
    }

    /// <summary>The state with <see cref="PlatformState.Redfish"/> read through <paramref name="connection"/>; unchanged when it is null.</summary>
    public static HostState Observe(HostState state, RedfishConnection? connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (connection is null)
        {
            return state;
        }

        using var client = new RedfishClient(connection);
        var snapshot = RedfishBiosReader.Read(client, cancellationToken);
        return state with { Platform = state.Platform with { Redfish = snapshot } };
    }
}
