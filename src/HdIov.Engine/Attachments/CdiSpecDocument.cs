using System.Text.Json;
using System.Text.Json.Nodes;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Attachments;

/// <summary>
/// The CDI spec (container-device-interface SPEC.md) that makes container-attached VDEVs requestable as
/// <c>hdiov.dev/vdev=&lt;name&gt;</c>: each device gets <c>/dev/vfio/vfio</c>, its IOMMU group's <c>/dev/vfio/&lt;N&gt;</c>,
/// and its mdev UUID in the environment (DPDK and QAT user space address an mdev by UUID).
/// </summary>
public static class CdiSpecDocument
{
    public const string Kind = "hdiov.dev/vdev";

    /// <summary>0.5.0 is the lowest CDI version with <c>hostPath</c> in device nodes, the newest field this document uses.</summary>
    public const string CdiVersion = "0.5.0";

    public const string FileName = "hdiov.json";

    /// <summary>The CDI device name of a VDEV: its spec name with '/' (not allowed in CDI names) as '_'.</summary>
    public static string DeviceName(string vdevName) => vdevName.Replace('/', '_');

    /// <summary>
    /// The devices of a CDI spec this engine wrote (name, VDEV name annotation, <c>HDIOV_MDEV_UUID</c>); devices it
    /// cannot read as its own are left out. Text that is not such a document gives an empty list.
    /// </summary>
    public static IReadOnlyList<CdiDeviceEntry> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return [];
        }

        if (document?["kind"]?.GetValueKind() != JsonValueKind.String || (string?)document["kind"] != Kind || document["devices"] is not JsonArray devices)
        {
            return [];
        }

        var entries = new List<CdiDeviceEntry>();
        foreach (var device in devices.OfType<JsonObject>())
        {
            var name = device["name"]?.GetValueKind() == JsonValueKind.String ? (string?)device["name"] : null;
            var vdev = device["annotations"]?["hdiov.dev/vdev-name"]?.GetValueKind() == JsonValueKind.String ? (string?)device["annotations"]!["hdiov.dev/vdev-name"] : null;
            var uuid = (device["containerEdits"]?["env"] as JsonArray)?
                .Select(e => e?.GetValueKind() == JsonValueKind.String ? (string?)e : null)
                .FirstOrDefault(e => e?.StartsWith("HDIOV_MDEV_UUID=", StringComparison.Ordinal) == true)?["HDIOV_MDEV_UUID=".Length..];
            if (name is not null && vdev is not null && Guid.TryParse(uuid, out var id))
            {
                entries.Add(new CdiDeviceEntry(name, vdev, id));
            }
        }

        return entries;
    }

    public static string Render(IEnumerable<(CdiDeviceEntry Device, int IommuGroup)> devices)
    {
        var list = new JsonArray();
        foreach (var (device, group) in devices.OrderBy(d => d.Device.Name, StringComparer.Ordinal))
        {
            var groupNode = $"/dev/vfio/{group}";
            list.Add(new JsonObject
            {
                ["name"] = device.Name,
                ["annotations"] = new JsonObject { ["hdiov.dev/vdev-name"] = device.VdevName },
                ["containerEdits"] = new JsonObject
                {
                    ["env"] = new JsonArray($"HDIOV_VDEV={device.VdevName}", $"HDIOV_MDEV_UUID={device.Uuid:D}"),
                    ["deviceNodes"] = new JsonArray(
                        new JsonObject { ["path"] = "/dev/vfio/vfio", ["hostPath"] = "/dev/vfio/vfio" },
                        new JsonObject { ["path"] = groupNode, ["hostPath"] = groupNode }),
                },
            });
        }

        var document = new JsonObject
        {
            ["cdiVersion"] = CdiVersion,
            ["kind"] = Kind,
            ["devices"] = list,
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
