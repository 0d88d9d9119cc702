using System.Text.Json.Nodes;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// PATCHes the BMC's pending BIOS settings with every attribute of the step at once, in the JSON type the service uses,
/// with If-Match so a settings object changed since planning is refused rather than overwritten.
/// </summary>
internal static class SetRedfishBiosAttributesHandler
{
    public static void Execute(RedfishConnection? connection, SetRedfishBiosAttributes operation, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.BmcCredentialMissing,
                DiagnosticSeverity.Error,
                $"this plan changes BIOS settings through the Redfish service {operation.Endpoint}, and the apply was not given a BMC connection",
                "apply through Set-HdIovHostState with -BmcCredential (or HDIOV_BMC_USERNAME/HDIOV_BMC_PASSWORD), or pass ApplyOptions.Redfish"));
        }

        using var client = new RedfishClient(connection);
        if (!string.Equals(client.BaseUrl, operation.Endpoint, StringComparison.OrdinalIgnoreCase))
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.RedfishFailed,
                DiagnosticSeverity.Error,
                $"the plan was made for the Redfish service {operation.Endpoint}, and the apply was given {client.BaseUrl}",
                "plan again against the BMC you mean to change"));
        }

        var attributes = new JsonObject();
        foreach (var change in operation.Attributes)
        {
            attributes[change.Name] = change.Kind switch
            {
                RedfishValueKind.Number => JsonNode.Parse(change.To),
                RedfishValueKind.Boolean => JsonValue.Create(change.To == "true"),
                _ => JsonValue.Create(change.To),
            };
        }

        client.Patch(client.OwnPath(operation.SettingsPath, "the BIOS settings object"), new JsonObject { ["Attributes"] = attributes }, operation.ETag, cancellationToken);
    }
}
