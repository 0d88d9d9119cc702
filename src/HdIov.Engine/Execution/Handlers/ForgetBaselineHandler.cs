using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Drops a released PF's baseline and VF set from the ledger: the engine no longer knows the device.</summary>
internal static class ForgetBaselineHandler
{
    public static void Execute(IHost host, ForgetBaseline operation)
    {
        LedgerFile.Remove(host, new LedgerEntry(LedgerEntryKind.VirtualFunctions, operation.Pf));
        LedgerFile.Remove(host, new LedgerEntry(LedgerEntryKind.Baseline, operation.Pf));
    }
}
