using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Removes the live device (if any), then its definition, then forgets it: the reverse order of creation.</summary>
internal static class RemoveMdevHandler
{
    public static void Execute(IHost host, RemoveMdev operation)
    {
        if (host.Exists(KernelPaths.MdevDevice(operation.Uuid)))
        {
            host.WriteAttribute(KernelPaths.MdevRemove(operation.Uuid), "1");
        }

        MdevctlDefinitionFile.Delete(host, operation.Parent, operation.Uuid);
        LedgerFile.Remove(host, new LedgerEntry(LedgerEntryKind.Mdev, operation.Parent, operation.Uuid, operation.Type, operation.VdevName));
    }
}
