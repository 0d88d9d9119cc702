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
    /// The devices a spec this engine wrote lists (name, VDEV name, mdev UUID); devices of another shape are skipped,
    /// and text that is not such a spec gives none.
    /// </summary>
    public static IReadOnlyList<CdiDeviceEntry> ReadDevices(string? text)
    {
        if (text is null)
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

        var entries = new List<CdiDeviceEntry>();
        foreach (var device in (document?["devices"] as JsonArray) ?? [])
        {
            var name = Text(device?["name"]);
            var vdevName = Text(device?["annotations"]?["hdiov.dev/vdev-name"]);
            var uuid = ((device?["containerEdits"]?["env"] as JsonArray) ?? [])
                .Select(Text)
                .Where(e => e is not null && e.StartsWith("HDIOV_MDEV_UUID=", StringComparison.Ordinal))
                .Select(e => Guid.TryParse(e!["HDIOV_MDEV_UUID=".Length..], out var parsed) ? parsed : (Guid?)null)
                .FirstOrDefault();
            if (name is not null && vdevName is not null && uuid is { } found)
            {
                entries.Add(new CdiDeviceEntry(name, vdevName, found));
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

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
