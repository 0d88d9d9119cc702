namespace HdIov.Pulumi.Configuration;

/// <summary>Where the host's BMC answers Redfish, and the account to use. <see cref="ToString"/> never shows the password.</summary>
internal sealed record BmcConnection(string Endpoint, string? Username, string? Password)
{
    public override string ToString() => $"BMC {Endpoint} as {Username ?? "(no user)"}";
}
