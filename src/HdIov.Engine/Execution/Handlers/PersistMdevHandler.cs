using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Records a live VDEV as owned and writes its definition; also used to adopt a VDEV the engine did not create.</summary>
internal static class PersistMdevHandler
{
    public static void Execute(IHost host, string parent, string type, Guid uuid, string vdevName, Persistence persistence, VdevOrigin? origin = null)
    {
        LedgerFile.Add(host, new LedgerEntry(LedgerEntryKind.Mdev, parent, uuid, type, vdevName, persistence, Recorded: host.Now, Origin: origin));
        if (persistence == Persistence.Mdevctl)
        {
            MdevctlDefinitionFile.Write(host, parent, type, uuid);
        }
    }

    public static void Execute(IHost host, PersistMdev operation) =>
        Execute(host, operation.Parent, operation.Type, operation.Uuid, operation.VdevName, operation.Persist, operation.Origin);

    public static void Execute(IHost host, AdoptMdev operation) =>
        Execute(host, operation.Parent, operation.Type, operation.Uuid, operation.VdevName, operation.Persist);
}
