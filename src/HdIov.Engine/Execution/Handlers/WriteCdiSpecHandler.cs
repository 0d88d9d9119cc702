using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Writes the CDI spec with each VDEV's IOMMU group as the kernel reports it now, or deletes it when empty (and its
/// folder, when the engine created it and nothing else is in it).
/// </summary>
internal static class WriteCdiSpecHandler
{
    public static void Execute(IHost host, WriteCdiSpec operation)
    {
        if (operation.Devices.Count == 0)
        {
            if (host.Exists(operation.Path))
            {
                host.DeleteFile(operation.Path);
            }

            CreatedFolders.RemoveEmpty(host, Folder(operation.Path));
            return;
        }

        var devices = operation.Devices.Select(d => (d, GroupOf(host, d))).ToList();
        CreatedFolders.Record(host, Folder(operation.Path));
        host.WriteFile(operation.Path, CdiSpecDocument.Render(devices));
    }

    private static string Folder(string path) => path[..Math.Max(1, path.LastIndexOf('/'))];

    private static int GroupOf(IHost host, CdiDeviceEntry device)
    {
        var link = host.ReadLink(HostPath.Combine(KernelPaths.MdevDevice(device.Uuid), "iommu_group"));
        return link is not null && int.TryParse(link.TrimEnd('/').Split('/')[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var group)
            ? group
            : throw new HdIovException(new Diagnostic(
                DiagnosticCodes.HostWriteFailed,
                DiagnosticSeverity.Error,
                $"VDEV {device.VdevName} ({device.Uuid}) has no IOMMU group, so containers cannot open it through VFIO",
                "check that the VDEV exists (Get-HdIovVirtualDevice) and that its parent driver attached it to VFIO"));
    }
}
