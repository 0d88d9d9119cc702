using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Writes or drops an attachment's ledger record; the attachment itself is already in place or gone.</summary>
internal static class RecordAttachmentHandler
{
    public static void Execute(IHost host, RecordAttachment operation) =>
        LedgerFile.Add(host, operation.Entry with { Recorded = host.Now });

    public static void Execute(IHost host, ForgetAttachment operation) =>
        LedgerFile.Remove(host, operation.Entry);
}
