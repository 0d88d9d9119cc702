using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Writes a QEMU arguments file (recorded in the ledger, with the folders made for it, before it is written; the write
/// replaces the file atomically) or deletes one the engine wrote, with the empty folders it made. A file at the path
/// that the engine did not write is never overwritten.
/// </summary>
internal static class QemuArgumentsFileHandler
{
    public static void Execute(IHost host, WriteQemuArgumentsFile operation)
    {
        var text = operation.Render();
        var recorded = LedgerFile.Read(host).QemuArgumentsFiles.Contains(operation.Path, StringComparer.Ordinal);
        if (!recorded)
        {
            if (host.Exists(operation.Path))
            {
                throw new HdIovException(new Diagnostic(
                    DiagnosticCodes.UnownedInTheWay,
                    DiagnosticSeverity.Error,
                    $"{operation.Path} exists and HdIov did not write it, so it is not overwritten with the QEMU arguments of VM {operation.VmName}",
                    "move the file away, or point argumentsFile at another path"));
            }

            CreatedFolders.Record(host, HostPath.Parent(operation.Path));
            LedgerFile.Add(host, new LedgerEntry(LedgerEntryKind.QemuArgumentsFile, operation.Path, Recorded: host.Now));
        }

        host.WriteFile(operation.Path, text);
    }

    public static void Execute(IHost host, RemoveQemuArgumentsFile operation)
    {
        if (host.Exists(operation.Path) && !host.IsDirectory(operation.Path))
        {
            host.DeleteFile(operation.Path);
        }

        LedgerFile.Remove(host, new LedgerEntry(LedgerEntryKind.QemuArgumentsFile, operation.Path));
        CreatedFolders.RemoveEmpty(host, HostPath.Parent(operation.Path));
    }
}
