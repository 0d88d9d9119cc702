using System.Globalization;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Writes <c>sriov_numvfs</c> and records the VF set as owned (or forgets it at 0); the PF's SR-IOV state before the
/// engine first changed it is recorded first (<see cref="Baselines"/>).
/// </summary>
internal static class SetVfCountHandler
{
    public static void Execute(IHost host, SetVfCount operation)
    {
        var path = KernelPaths.PciAttribute(operation.Pf, "sriov_numvfs");
        var current = int.Parse(host.ReadText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (operation.To > 0 || current != operation.To)
        {
            Baselines.RecordVirtualFunctions(host, operation.Pf);
        }

        if (operation.To > 0)
        {
            LedgerFile.Add(host, new LedgerEntry(LedgerEntryKind.VirtualFunctions, operation.Pf.ToString(), Count: operation.To, Recorded: host.Now, Entry: operation.Entry, PfOrdinal: operation.PfOrdinal));
        }

        if (current != operation.To)
        {
            if (operation.WithoutProbe && operation.To > 0)
            {
                WriteWithoutProbe(host, operation.Pf, path, operation.To);
            }
            else
            {
                host.WriteAttribute(path, operation.To.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (operation.To == 0)
        {
            LedgerFile.Remove(host, new LedgerEntry(LedgerEntryKind.VirtualFunctions, operation.Pf.ToString()));
        }
    }

    private static void WriteWithoutProbe(IHost host, PciAddress pf, string numVfsPath, int count)
    {
        var autoprobePath = KernelPaths.PciAttribute(pf, "sriov_drivers_autoprobe");
        var found = host.Exists(autoprobePath) ? host.ReadText(autoprobePath).Trim() : "0";
        if (found == "0")
        {
            host.WriteAttribute(numVfsPath, count.ToString(CultureInfo.InvariantCulture));
            return;
        }

        host.WriteAttribute(autoprobePath, "0");
        try
        {
            host.WriteAttribute(numVfsPath, count.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            host.WriteAttribute(autoprobePath, found);
        }
    }
}
