using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Records the VDEV in the ledger before creating it (so a crash right after the kernel's create leaves a device
/// the next run knows it owns), writes the UUID to the type's <c>create</c>, then persists it.
/// </summary>
internal static class CreateMdevHandler
{
    public static void Execute(IHost host, CreateMdev operation)
    {
        LedgerFile.Add(host, new LedgerEntry(
            LedgerEntryKind.Mdev, operation.Parent, operation.Uuid, operation.Type, operation.VdevName, operation.Persist, Recorded: host.Now, Origin: operation.Origin));

        if (!host.Exists(KernelPaths.MdevDevice(operation.Uuid)))
        {
            host.WriteAttribute(KernelPaths.MdevCreate(operation.Parent, operation.Type), KernelPaths.Format(operation.Uuid));
        }

        if (operation.Persist == Persistence.Mdevctl)
        {
            MdevctlDefinitionFile.Write(host, operation.Parent, operation.Type, operation.Uuid);
        }
    }
}
