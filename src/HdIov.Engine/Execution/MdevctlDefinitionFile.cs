using System.Text.Json;
using HdIov.Engine.Host;

namespace HdIov.Engine.Execution;

/// <summary>
/// Writes and deletes definitions in mdevctl's own on-disk format, so the real mdevctl lists and starts them; a
/// definition folder the engine created goes once its last definition is deleted.
/// </summary>
internal static class MdevctlDefinitionFile
{
    public static void Write(IHost host, string parent, string type, Guid uuid)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["mdev_type"] = type,
            ["start"] = "auto",
            ["attrs"] = Array.Empty<object>(),
        });
        CreatedFolders.Record(host, Folder(parent));
        host.WriteFile(KernelPaths.MdevctlDefinition(parent, uuid), json + "\n");
    }

    public static void Delete(IHost host, string parent, Guid uuid)
    {
        var path = KernelPaths.MdevctlDefinition(parent, uuid);
        if (host.Exists(path))
        {
            host.DeleteFile(path);
        }

        CreatedFolders.RemoveEmpty(host, Folder(parent));
    }

    private static string Folder(string parent) => HostPath.Combine(KernelPaths.MdevctlConfig, parent);
}
