using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>
/// Reads a system's BIOS through Redfish: <c>/redfish/v1/Systems/{id}/Bios</c> (current attributes, the attribute
/// registry's name, the settings object's link), the settings object (pending attributes and ETag), and the registry
/// when <c>/redfish/v1/Registries</c> lists a file for it.
/// </summary>
public static class RedfishBiosReader
{
    private static readonly string[] RegistryNameKeys = ["Id", "Registry"];

    public static RedfishBiosSnapshot Read(RedfishClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var systemPath = SystemPath(client, cancellationToken);
        var system = client.Get(systemPath, cancellationToken).Body;
        var systemId = system.TryGetProperty("Id", out var id) && id.GetString() is { } idText ? idText : systemPath.TrimEnd('/').Split('/')[^1];
        if (!system.TryGetProperty("Bios", out var biosLink) || Link(biosLink) is not { } biosReference)
        {
            throw Missing(client, systemPath, "has no Bios resource", "this BMC does not expose BIOS settings through Redfish; set them in the BIOS setup, or use source: none to only check them");
        }

        var biosPath = client.OwnPath(biosReference, "the Bios resource");
        var bios = client.Get(biosPath, cancellationToken).Body;
        var current = Attributes(bios);
        var settingsPath = biosPath;
        if (bios.TryGetProperty("@Redfish.Settings", out var settings) && settings.TryGetProperty("SettingsObject", out var settingsObject)
            && Link(settingsObject) is { } settingsReference)
        {
            settingsPath = client.OwnPath(settingsReference, "the BIOS settings object");
        }

        var pending = ImmutableSortedDictionary.Create<string, RedfishAttributeValue>(StringComparer.Ordinal);
        string? etag = null;
        if (settingsPath != biosPath)
        {
            var settingsResponse = client.Get(settingsPath, cancellationToken);
            pending = Attributes(settingsResponse.Body);
            etag = settingsResponse.ETag
                ?? (settingsResponse.Body.TryGetProperty("@odata.etag", out var odataEtag) ? odataEtag.GetString() : null);
        }

        var registryName = bios.TryGetProperty("AttributeRegistry", out var registry) ? registry.GetString() : null;
        return new RedfishBiosSnapshot(
            client.BaseUrl,
            systemId,
            biosPath,
            settingsPath,
            etag,
            current,
            pending,
            registryName,
            registryName is null ? ImmutableSortedDictionary.Create<string, RedfishRegistryAttribute>(StringComparer.Ordinal) : ReadRegistry(client, registryName, cancellationToken));
    }

    /// <summary>The configured system, or the only one the service has.</summary>
    private static string SystemPath(RedfishClient client, CancellationToken cancellationToken)
    {
        const string systems = RedfishClient.ServiceRoot + "Systems";
        if (client.Connection.SystemId is { } wanted)
        {
            return $"{systems}/{Uri.EscapeDataString(wanted)}";
        }

        var collection = client.Get(systems, cancellationToken).Body;
        var members = collection.TryGetProperty("Members", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(Link).OfType<string>().ToList()
            : [];
        return members.Count switch
        {
            1 => client.OwnPath(members[0], "its ComputerSystem"),
            0 => throw Missing(client, systems, "lists no ComputerSystem", "check that the endpoint is the BMC of a server (not a chassis manager)"),
            _ => throw Missing(
                client,
                systems,
                string.Create(CultureInfo.InvariantCulture, $"lists {members.Count} ComputerSystems ({string.Join(", ", members.Select(m => m.TrimEnd('/').Split('/')[^1]))})"),
                "name the one to configure in bios.redfish.system"),
        };
    }

    private static ImmutableSortedDictionary<string, RedfishRegistryAttribute> ReadRegistry(RedfishClient client, string registryName, CancellationToken cancellationToken)
    {
        var empty = ImmutableSortedDictionary.Create<string, RedfishRegistryAttribute>(StringComparer.Ordinal);
        var registries = client.Get(RedfishClient.ServiceRoot + "Registries", cancellationToken).Body;
        if (!registries.TryGetProperty("Members", out var members) || members.ValueKind != JsonValueKind.Array)
        {
            return empty;
        }

        foreach (var member in members.EnumerateArray().Select(Link).OfType<string>())
        {
            var file = client.Get(client.OwnPath(member, "a registry"), cancellationToken).Body;
            var names = RegistryNameKeys.Select(k => file.TryGetProperty(k, out var v) ? v.GetString() : null);
            if (!names.Contains(registryName, StringComparer.Ordinal)
                || !file.TryGetProperty("Location", out var locations) || locations.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var uri = locations.EnumerateArray().Select(l => l.TryGetProperty("Uri", out var u) ? u.GetString() : null).FirstOrDefault(u => u is not null);
            return uri is null ? empty : RegistryEntries(client.Get(client.OwnPath(uri, "the attribute registry"), cancellationToken).Body);
        }

        return empty;
    }

    private static ImmutableSortedDictionary<string, RedfishRegistryAttribute> RegistryEntries(JsonElement registry)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, RedfishRegistryAttribute>(StringComparer.Ordinal);
        if (registry.TryGetProperty("RegistryEntries", out var entries) && entries.TryGetProperty("Attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Array)
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                if (!attribute.TryGetProperty("AttributeName", out var nameElement) || nameElement.GetString() is not { } name)
                {
                    continue;
                }

                var values = attribute.TryGetProperty("Value", out var valueList) && valueList.ValueKind == JsonValueKind.Array
                    ? valueList.EnumerateArray().Select(v => v.TryGetProperty("ValueName", out var n) ? n.GetString() : null).OfType<string>().ToImmutableArray()
                    : [];
                var type = attribute.TryGetProperty("Type", out var typeElement) ? typeElement.GetString() : null;
                var readOnly = attribute.TryGetProperty("ReadOnly", out var ro) && ro.ValueKind == JsonValueKind.True;
                result[name] = new RedfishRegistryAttribute(name, type, values, readOnly);
            }
        }

        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, RedfishAttributeValue> Attributes(JsonElement resource)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, RedfishAttributeValue>(StringComparer.Ordinal);
        if (resource.TryGetProperty("Attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in attributes.EnumerateObject())
            {
                RedfishAttributeValue? value = attribute.Value.ValueKind switch
                {
                    JsonValueKind.String => new(attribute.Value.GetString()!, RedfishValueKind.String),
                    JsonValueKind.Number => new(attribute.Value.GetRawText(), RedfishValueKind.Number),
                    JsonValueKind.True => new("true", RedfishValueKind.Boolean),
                    JsonValueKind.False => new("false", RedfishValueKind.Boolean),
                    _ => null,
                };
                if (value is not null)
                {
                    result[attribute.Name] = value;
                }
            }
        }

        return result.ToImmutable();
    }

    private static string? Link(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("@odata.id", out var id) ? id.GetString() : null;

    private static HdIovException Missing(RedfishClient client, string path, string what, string hint) =>
        new(new Diagnostic(DiagnosticCodes.RedfishFailed, DiagnosticSeverity.Error, $"{client.BaseUrl}{path} {what}", hint, null, "spec.platform.bios.redfish"));
}
