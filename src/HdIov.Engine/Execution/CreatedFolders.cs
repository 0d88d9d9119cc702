using HdIov.Engine.Discovery;
using HdIov.Engine.Host;

namespace HdIov.Engine.Execution;

/// <summary>
/// Folders the engine creates for its files (mdevctl definition folders, the CDI folder): recorded in the ledger before
/// they are made, and removed once the engine's last file in them is gone and nothing else is left. A folder that was
/// there before is never recorded, so it is never removed.
/// </summary>
internal static class CreatedFolders
{
    /// <summary>Records each missing folder on the way to <paramref name="folder"/> (outermost first) before a file is written in it.</summary>
    public static void Record(IHost host, string folder)
    {
        var missing = new List<string>();
        for (var path = folder; path.Length > 1 && !host.Exists(path); path = Parent(path))
        {
            missing.Add(path);
        }

        for (var index = missing.Count - 1; index >= 0; index--)
        {
            LedgerFile.Add(host, new LedgerEntry(LedgerEntryKind.CreatedFolder, missing[index], Recorded: host.Now));
        }
    }

    /// <summary>Removes <paramref name="folder"/> and then its parents while each is empty and was created by the engine.</summary>
    public static void RemoveEmpty(IHost host, string folder)
    {
        OwnershipLedger? ledger = null;
        for (var path = folder; path.Length > 1 && host.IsDirectory(path) && host.ListDirectory(path).Count == 0; path = Parent(path))
        {
            ledger ??= LedgerFile.Read(host);
            if (!ledger.CreatedFolder(path))
            {
                return;
            }

            host.DeleteDirectory(path);
            LedgerFile.Remove(host, new LedgerEntry(LedgerEntryKind.CreatedFolder, path));
        }
    }

    private static string Parent(string path)
    {
        var slash = path.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
