using System.Globalization;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;

namespace HdIov.Engine.Execution;

/// <summary>
/// Records what a PF held before the engine first changes it (its configuration file, its VF count, the VFs' drivers),
/// in the ledger and before the change, so releasing the PF can give it back. Each part is recorded once and never
/// overwritten by a later change.
/// </summary>
internal static class Baselines
{
    /// <summary>Records the file's text (or that it does not exist) unless the PF's configuration file is already recorded.</summary>
    public static void RecordConfigFile(IHost host, PciAddress pf, string path)
    {
        var existing = LedgerFile.Read(host).FindBaseline(pf.ToString());
        if (existing?.ConfigFile is not null)
        {
            return;
        }

        var text = host.Exists(path) ? host.ReadText(path) : null;
        Save(host, pf, (existing ?? new DeviceBaseline()) with { ConfigFile = new ConfigFileBaseline(path, text) });
    }

    /// <summary>
    /// Records the VF count, <c>sriov_drivers_autoprobe</c> and each VF's driver and <c>driver_override</c> unless they
    /// are recorded already. VFs the ledger owns without a record were made by an engine that kept none: what was there
    /// before them is not known, so nothing is recorded.
    /// </summary>
    public static void RecordVirtualFunctions(IHost host, PciAddress pf)
    {
        var ledger = LedgerFile.Read(host);
        var existing = ledger.FindBaseline(pf.ToString());
        if (existing?.VfCount is not null || ledger.OwnsVirtualFunctions(pf.ToString()))
        {
            return;
        }

        var count = int.Parse(host.ReadText(KernelPaths.PciAttribute(pf, "sriov_numvfs")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        var autoprobePath = KernelPaths.PciAttribute(pf, "sriov_drivers_autoprobe");
        var autoprobe = host.Exists(autoprobePath) ? host.ReadText(autoprobePath).Trim() : null;
        var drivers = new List<VfDriverBaseline>();
        for (var index = 0; index < count; index++)
        {
            if (host.ReadLink(KernelPaths.PciAttribute(pf, string.Create(CultureInfo.InvariantCulture, $"virtfn{index}"))) is not { } vfPath)
            {
                continue;
            }

            var vf = vfPath.TrimEnd('/').Split('/')[^1];
            var device = HostPath.Combine(KernelPaths.PciDevices, vf);
            drivers.Add(new VfDriverBaseline(vf, VfDrivers.Current(host, device), VfDrivers.Override(host, device)));
        }

        Save(host, pf, (existing ?? new DeviceBaseline()) with { VfCount = count, DriversAutoprobe = autoprobe, VfDrivers = drivers });
    }

    private static void Save(IHost host, PciAddress pf, DeviceBaseline baseline) =>
        LedgerFile.Add(host, new LedgerEntry(LedgerEntryKind.Baseline, pf.ToString(), Recorded: host.Now, Baseline: baseline));
}
